package dev.comfy4j.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the benchmarks report about this process and the machine beside their timings (Linux {@code /proc}):
 * resident and peak memory, the load average (the machine is shared, so a figure says what else ran) and
 * the process's CPU time (how much work a call took, whatever the wait).
 */
final class BenchProcess {
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path LOAD_AVERAGE = Path.of("/proc/loadavg");

    private BenchProcess() {}

    /** This process's resident set ({@code VmRSS}) in MB; -1 where /proc does not say. */
    static long rssMb() {
        return statusKb("VmRSS:") >> 10;
    }

    /** This process's peak resident set so far ({@code VmHWM}) in MB; -1 where /proc does not say. */
    static long peakRssMb() {
        return statusKb("VmHWM:") >> 10;
    }

    /** The whole {@code /proc/loadavg} line: the 1, 5 and 15 minute load averages, runnable/all tasks, last pid. */
    static String loadAverage() {
        try {
            return Files.readString(LOAD_AVERAGE).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The 1-minute load average, as {@code /proc/loadavg} writes it. */
    static String oneMinuteLoad() {
        return loadAverage().split(" ")[0];
    }

    /** User + system CPU time of the whole process (all threads, libtorch's included), in nanoseconds. */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** A field of {@code /proc/self/status} in kB; -1 when absent. */
    private static long statusKb(String field) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(field)) return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
            }
            return -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
