package dev.comfy4j.support;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The random-weight SD1.5 checkpoint the numeric goldens were recorded on. It is 2.1 GB, so it is
 * never part of the repository: {@code .ci/run} builds it with {@code ../shared/tools/make_random_sd15.py}
 * into a cache folder outside the clone. Tests that need it are skipped, with the reason, where it is
 * absent.
 *
 * <p>Location: the system property {@code comfy4j.test.sd15}, else the environment variable
 * {@code COMFY4J_TEST_SD15}, else {@code ~/.cache/comfy4j-test/peer_random_sd15.safetensors}.
 */
public final class TestCheckpoints {
    /** The name ComfyUI saw the file under when the goldens were recorded. */
    public static final String SD15_NAME = "peer_random_sd15.safetensors";
    public static final long SD15_SIZE = 2_132_625_990L;

    /** The random SDXL checkpoint of shared/golden/numeric-sdxl (6.9 GB). */
    public static final String SDXL_NAME = "peer_random_sdxl.safetensors";
    public static final long SDXL_SIZE = 6_938_041_240L;

    private TestCheckpoints() {}

    public static Path sd15Location() {
        String configured = System.getProperty("comfy4j.test.sd15", System.getenv("COMFY4J_TEST_SD15"));
        if (configured != null && !configured.isBlank()) return Path.of(configured);
        return Path.of(System.getProperty("user.home"), ".cache", "comfy4j-test", SD15_NAME);
    }

    /** The checkpoint's path; skips the calling test when it is missing or not the expected file. */
    public static Path requireSd15() {
        Path p = sd15Location();
        assumeTrue(Files.isRegularFile(p), "random SD1.5 checkpoint not found at " + p
                + " (build it with: python3 ../shared/tools/make_random_sd15.py " + p + " --seed 1234 --dtype fp16); skipping");
        try {
            assumeTrue(Files.size(p) == SD15_SIZE, "file at " + p + " is not the random SD1.5 checkpoint (size "
                    + Files.size(p) + ", expected " + SD15_SIZE + "); skipping");
        } catch (IOException e) {
            assumeTrue(false, "cannot read " + p + ": " + e.getMessage());
        }
        return p;
    }

    /**
     * The random SDXL checkpoint: the system property {@code comfy4j.test.sdxl}, else the environment
     * variable {@code COMFY4J_TEST_SDXL}, else {@code ~/.cache/comfy4j-test/peer_random_sdxl.safetensors}.
     */
    public static Path sdxlLocation() {
        String configured = System.getProperty("comfy4j.test.sdxl", System.getenv("COMFY4J_TEST_SDXL"));
        if (configured != null && !configured.isBlank()) return Path.of(configured);
        return Path.of(System.getProperty("user.home"), ".cache", "comfy4j-test", SDXL_NAME);
    }

    /**
     * The SDXL checkpoint's path; skips the calling test when it is missing or not the expected file
     * (.ci/run builds it only where the disk has 25 GB free).
     */
    public static Path requireSdxl() {
        Path p = sdxlLocation();
        assumeTrue(Files.isRegularFile(p), "random SDXL checkpoint not found at " + p
                + " (build it with: python3 ../shared/tools/make_random_sdxl.py " + p + " --seed 1234 --dtype fp16;"
                + " .ci/run does so where 25 GB of disk are free); skipping");
        try {
            assumeTrue(Files.size(p) == SDXL_SIZE, "file at " + p + " is not the random SDXL checkpoint (size "
                    + Files.size(p) + ", expected " + SDXL_SIZE + "); skipping");
        } catch (IOException e) {
            assumeTrue(false, "cannot read " + p + ": " + e.getMessage());
        }
        return p;
    }
}
