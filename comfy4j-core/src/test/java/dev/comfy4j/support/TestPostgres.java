package dev.comfy4j.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real PostgreSQL server for tests, from the operating system's binaries (Debian's {@code postgresql}
 * package, which {@code .ci/run} installs): a fresh cluster in a temp folder, on a free loopback port,
 * stopped and deleted by {@link #close}. PostgreSQL refuses to run as root, so as root the cluster
 * belongs to the {@code postgres} user and its commands run through {@code runuser}. Tests skip, with
 * the reason, where no binaries are found.
 */
public final class TestPostgres implements AutoCloseable {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private final Path bin;
    private final Path dir;
    private final int port;
    private final boolean asPostgresUser;

    private TestPostgres(Path bin, Path dir, int port, boolean asPostgresUser) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
        this.asPostgresUser = asPostgresUser;
    }

    /**
     * Starts a cluster, or skips the calling test when PostgreSQL is not installed; under CI
     * ({@code CI=true}, where .ci/run installs it) a missing PostgreSQL fails instead, so the
     * scale-out tests cannot silently stop running.
     */
    public static TestPostgres start() {
        Path bin = findBinaries();
        if (bin == null && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("PostgreSQL binaries (initdb, pg_ctl) not found on CI: .ci/run should have installed them");
        }
        Assumptions.assumeTrue(bin != null, "PostgreSQL binaries (initdb, pg_ctl) not found on PATH or under"
                + " /usr/lib/postgresql/*/bin: install Debian's postgresql package (.ci/run does)");
        boolean root = "root".equals(System.getProperty("user.name"));
        try {
            Path dir = Files.createTempDirectory("comfy4j-pg");
            if (root) {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
                UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
                Files.setOwner(dir, users.lookupPrincipalByName("postgres"));
            }
            int port = freePort();
            TestPostgres pg = new TestPostgres(bin, dir, port, root);
            pg.run(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", "comfy4j",
                    "-A", "trust", "-E", "UTF8", "--no-sync");
            pg.run(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-w", "-t", "60",
                    "-l", dir.resolve("log").toString(), "-o",
                    "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
                    "start");
            return pg;
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("Cannot start the test PostgreSQL: " + e.getMessage(), e);
        }
    }

    private static Path findBinaries() {
        List<Path> candidates = new ArrayList<>();
        for (String p : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!p.isEmpty()) candidates.add(Path.of(p));
        }
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            versions.sorted(Comparator.reverseOrder()).forEach(v -> candidates.add(v.resolve("bin")));
        } catch (IOException e) {
            // not the Debian layout
        }
        for (Path c : candidates) {
            if (Files.isExecutable(c.resolve("initdb")) && Files.isExecutable(c.resolve("pg_ctl"))) return c;
        }
        return null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void run(String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>();
        if (asPostgresUser) line.addAll(List.of("runuser", "-u", "postgres", "--"));
        line.addAll(List.of(command));
        Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
    }

    /** A new empty database; returns its {@code postgresql://} URL. */
    public String newDatabase() {
        String name = "comfy4j_test_" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "comfy4j", "");
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("Cannot create a test database: " + e.getMessage(), e);
        }
        return url(name);
    }

    public String url(String database) {
        return "postgresql://comfy4j@127.0.0.1:" + port + "/" + database;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        try {
            run(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop");
        } catch (IOException | InterruptedException e) {
            System.err.println("TestPostgres: stop failed: " + e.getMessage());
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temp folder left behind
        }
    }
}
