package dev.comfy4j.config;

import java.util.Locale;

/**
 * Several servers on one shared job store ({@code --database postgresql://...}).
 *
 * @param databaseUrl the PostgreSQL URL, or null for the local store (SQLite or memory)
 * @param role what this server does: take prompts and serve reads, run prompts, or both
 * @param leaseMillis how long a claimed prompt stays with a worker that stopped heart-beating
 * @param advertiseUrl the base URL other servers reach this one at (for {@code /view} of its outputs);
 *     null: {@code http://<first --listen address>:<port>}
 */
public record ScaleOutSettings(String databaseUrl, Role role, long leaseMillis, String advertiseUrl) {
    public static final long DEFAULT_LEASE_MILLIS = 30_000;

    /** {@code --role}: {@code api} takes prompts and serves reads, {@code worker} runs prompts, {@code all} both. */
    public enum Role {
        API, WORKER, ALL;

        public boolean runsPrompts() {
            return this != API;
        }

        public String flagValue() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The role of a {@code --role} value, or null when it names none. */
        public static Role parse(String value) {
            if (value == null) return null;
            return switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "api" -> API;
                case "worker" -> WORKER;
                case "all" -> ALL;
                default -> null;
            };
        }
    }

    public static ScaleOutSettings defaults() {
        return new ScaleOutSettings(null, Role.ALL, DEFAULT_LEASE_MILLIS, null);
    }

    public boolean shared() {
        return databaseUrl != null;
    }

    /** Whether a {@code --database} value names a PostgreSQL server rather than a SQLite file. */
    public static boolean isPostgresUrl(String database) {
        return database != null && (database.startsWith("postgresql://") || database.startsWith("postgres://")
                || database.startsWith("jdbc:postgresql://"));
    }

    public ScaleOutSettings withRole(Role value) {
        return new ScaleOutSettings(databaseUrl, value, leaseMillis, advertiseUrl);
    }

    public ScaleOutSettings withDatabaseUrl(String value) {
        return new ScaleOutSettings(value, role, leaseMillis, advertiseUrl);
    }

    public ScaleOutSettings withLeaseMillis(long value) {
        return new ScaleOutSettings(databaseUrl, role, value, advertiseUrl);
    }

    public ScaleOutSettings withAdvertiseUrl(String value) {
        return new ScaleOutSettings(databaseUrl, role, leaseMillis, value);
    }
}
