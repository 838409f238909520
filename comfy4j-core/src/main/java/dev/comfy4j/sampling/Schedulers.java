package dev.comfy4j.sampling;

import dev.comfy4j.sampling.schedulers.BetaScheduler;
import dev.comfy4j.sampling.schedulers.DdimUniformScheduler;
import dev.comfy4j.sampling.schedulers.ExponentialScheduler;
import dev.comfy4j.sampling.schedulers.KarrasScheduler;
import dev.comfy4j.sampling.schedulers.KlOptimalScheduler;
import dev.comfy4j.sampling.schedulers.LinearQuadraticScheduler;
import dev.comfy4j.sampling.schedulers.NormalScheduler;
import dev.comfy4j.sampling.schedulers.SimpleScheduler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The schedulers under ComfyUI's names, in ComfyUI's {@code SCHEDULER_NAMES} order. */
public final class Schedulers {
    private static final Map<String, Scheduler> BY_NAME = new LinkedHashMap<>();

    static {
        register(new SimpleScheduler());
        register(NormalScheduler.sgmUniform());
        register(new KarrasScheduler());
        register(new ExponentialScheduler());
        register(new DdimUniformScheduler());
        register(new BetaScheduler());
        register(NormalScheduler.normal());
        register(new LinearQuadraticScheduler());
        register(new KlOptimalScheduler());
    }

    private Schedulers() {}

    private static void register(Scheduler s) {
        BY_NAME.put(s.name(), s);
    }

    /** The names in ComfyUI's order (KSampler's {@code scheduler} options). */
    public static List<String> names() {
        return List.copyOf(BY_NAME.keySet());
    }

    /** The scheduler of that name; unknown names are an error (validation rejects them before). */
    public static Scheduler byName(String name) {
        Scheduler s = BY_NAME.get(name);
        if (s == null) throw new IllegalArgumentException("unknown scheduler: " + name);
        return s;
    }
}
