package dev.comfy4j.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.config.CacheMode;
import dev.comfy4j.config.ServerConfig;
import dev.comfy4j.engine.ExecutionListener;
import dev.comfy4j.engine.ExecutionOutcome;
import dev.comfy4j.engine.GraphEngine;
import dev.comfy4j.engine.ValidationOutcome;
import dev.comfy4j.json.Json;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Validation + execution of 1000-node graphs of primitives, without JMH: warm up, then report the
 * median and best of several timed rounds. Two shapes:
 * <ul>
 *   <li>flat: 500 independent PrimitiveInt -> PreviewAny pairs (500 outputs);
 *   <li>chain: PrimitiveString followed by 998 StringConcatenate, one PreviewAny at the end
 *       (cache keys grow with the ancestry, as in ComfyUI).
 * </ul>
 * Each execution uses {@code --cache-none} so every node really runs, plus one classic-cache
 * re-run (everything cached). Run: see bench/README.md.
 */
public final class EngineBench {
    private static final int WARMUP = 5;
    private static final int ROUNDS = 15;

    public static void main(String[] args) {
        ObjectNode flat = flat();
        ObjectNode chain = chain();
        report("flat  1000 nodes", flat, new CacheMode.None());
        report("chain 1000 nodes", chain, new CacheMode.None());
        reportCachedRerun("flat  1000 nodes, cached re-run", flat);
        reportCachedRerun("chain 1000 nodes, cached re-run", chain);
    }

    static ObjectNode flat() {
        ObjectNode p = Json.object();
        for (int i = 0; i < 500; i++) {
            ObjectNode a = p.putObject("i" + i);
            a.put("class_type", "PrimitiveInt");
            a.putObject("inputs").put("value", i);
            ObjectNode b = p.putObject("o" + i);
            b.put("class_type", "PreviewAny");
            b.putObject("inputs").putArray("source").add("i" + i).add(0);
        }
        return p;
    }

    static ObjectNode chain() {
        ObjectNode p = Json.object();
        ObjectNode first = p.putObject("0");
        first.put("class_type", "PrimitiveString");
        first.putObject("inputs").put("value", "x");
        for (int i = 1; i < 999; i++) {
            ObjectNode n = p.putObject(Integer.toString(i));
            n.put("class_type", "StringConcatenate");
            ObjectNode in = n.putObject("inputs");
            in.putArray("string_a").add(Integer.toString(i - 1)).add(0);
            in.put("string_b", i % 10);
            in.put("delimiter", "");
        }
        ObjectNode out = p.putObject("out");
        out.put("class_type", "PreviewAny");
        out.putObject("inputs").putArray("source").add("998").add(0);
        return p;
    }

    private static void report(String name, ObjectNode prompt, CacheMode mode) {
        GraphEngine engine = engine(ServerConfig.defaults(Path.of("target", "bench")).withCacheMode(mode));
        AtomicLong events = new AtomicLong();
        ExecutionListener counting = new Counting(events);
        long[] validate = new long[ROUNDS];
        long[] execute = new long[ROUNDS];
        for (int r = -WARMUP; r < ROUNDS; r++) {
            long t0 = System.nanoTime();
            ValidationOutcome v = engine.validate("b", prompt, null);
            long t1 = System.nanoTime();
            ExecutionOutcome o = engine.execute("b", v.prompt(), Json.object(), v.outputs(), counting);
            long t2 = System.nanoTime();
            if (!v.valid() || !o.success()) throw new IllegalStateException("benchmark prompt failed");
            if (r >= 0) {
                validate[r] = t1 - t0;
                execute[r] = t2 - t1;
            }
        }
        System.out.printf("%-34s validate median %7.2f ms (best %7.2f) | execute median %7.2f ms (best %7.2f) | %d events/run%n",
                name, median(validate), best(validate), median(execute), best(execute), events.get() / (ROUNDS + WARMUP));
    }

    private static void reportCachedRerun(String name, ObjectNode prompt) {
        GraphEngine engine = engine(ServerConfig.defaults(Path.of("target", "bench")));
        long[] execute = new long[ROUNDS];
        for (int r = -WARMUP; r < ROUNDS; r++) {
            ValidationOutcome v = engine.validate("b", prompt, null);
            long t0 = System.nanoTime();
            engine.execute("b", v.prompt(), Json.object(), v.outputs(), ExecutionListener.NONE);
            if (r >= 0) execute[r] = System.nanoTime() - t0;
        }
        System.out.printf("%-34s execute median %7.2f ms (best %7.2f)%n", name, median(execute), best(execute));
    }

    private static double median(long[] ns) {
        long[] s = ns.clone();
        Arrays.sort(s);
        return s[s.length / 2] / 1e6;
    }

    private static double best(long[] ns) {
        return Arrays.stream(ns).min().orElse(0) / 1e6;
    }

    private record Counting(AtomicLong count) implements ExecutionListener {
        @Override public void event(String type, ObjectNode data) { count.incrementAndGet(); }

        @Override public void previewImage(String imageType, byte[] encoded, ObjectNode metadata) {}

        @Override public void progressText(String nodeId, String text) {}
    }

    private static GraphEngine engine(ServerConfig config) {
        return new GraphEngine(config, dev.comfy4j.nodes.NodeCatalogue.registry(dev.comfy4j.support.TestServices.over(dev.comfy4j.files.Folders.create(config))));
    }
}
