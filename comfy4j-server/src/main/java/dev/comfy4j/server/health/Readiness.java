package dev.comfy4j.server.health;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Named checks that must all pass before the server takes traffic ({@code /readyz}). Checks are
 * cheap and run on every probe; a check that throws counts as failed.
 */
public final class Readiness {
    private final Map<String, BooleanSupplier> checks = new LinkedHashMap<>();

    public Readiness add(String name, BooleanSupplier check) {
        checks.put(name, check);
        return this;
    }

    /** Each check's result, in the order they were added. */
    public Map<String, Boolean> run() {
        Map<String, Boolean> results = new LinkedHashMap<>();
        checks.forEach((name, check) -> {
            boolean ok;
            try {
                ok = check.getAsBoolean();
            } catch (RuntimeException e) {
                ok = false;
            }
            results.put(name, ok);
        });
        return results;
    }
}
