package dev.comfy4j.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfy4j.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 item 6: every flag is checked before anything starts, each problem in one line, with a
 * non-zero exit. These run the real command line in-process; none of them may start a server (a
 * valid command line would block here, so a missed check shows as a hang or a wrong exit code).
 */
class FlagValidationTest {
    @TempDir Path dir;

    private record Result(int exit, String out, String err) {}

    private Result run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        // A base that exists and an in-memory queue, so only the flag under test can be wrong.
        java.util.List<String> all = new java.util.ArrayList<>();
        if (!java.util.List.of(args).contains("--base-directory")) all.addAll(java.util.List.of("--base-directory", dir.toString()));
        if (!java.util.List.of(args).contains("--database")) all.addAll(java.util.List.of("--database", "none"));
        all.addAll(java.util.List.of(args));
        int exit = Main.run(all.toArray(String[]::new), env, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(exit, out.toString(), err.toString());
    }

    private Result run(String... args) {
        return run(Map.of(), args);
    }

    private void refused(String expectedLine, String... args) {
        Result r = run(args);
        assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(2);
        assertThat(r.err().lines().toList()).as(String.join(" ", args))
                .containsExactly("comfy4j: " + expectedLine, "Run 'comfy4j --help' for the flags.");
    }

    @Test
    void addressesMustBeAddressesOfThisMachine() {
        refused("--listen 999.1.1.1: not an IPv4 address", "--listen", "999.1.1.1");
        refused("--listen 1.2.3: not an IPv4 address", "--listen", "1.2.3");
        refused("--listen ::zz: not an IPv6 address", "--listen", "::zz");
        refused("--listen 192.0.2.1: not an address of this machine", "--listen", "192.0.2.1");
        refused("--listen bad_host!: not an IP address or host name", "--listen", "127.0.0.1,bad_host!");
        refused("--listen ,: no address given", "--listen", ",");
    }

    @Test
    void numbersMustBeInRange() {
        refused("--port 99999: must be between 0 and 65535", "--port", "99999");
        refused("--port -1: must be between 0 and 65535", "--port", "-1");
        refused("--max-upload-size 0: must be a size in MB greater than 0 and at most 1048576", "--max-upload-size", "0");
        refused("--max-upload-size -5: must be a size in MB greater than 0 and at most 1048576", "--max-upload-size", "-5");
        refused("--max-upload-size NaN: must be a size in MB greater than 0 and at most 1048576", "--max-upload-size", "NaN");
        refused("--preview-size -1: must be between 1 and 16384 pixels", "--preview-size", "-1");
        refused("--cache-lru -1: must be 0 (off) or more", "--cache-lru", "-1");
        refused("--threads -2: must be 0 (all cores) or more", "--threads", "-2");
        refused("--reserve-ram -1: must be a number of GB, 0 or more", "--reserve-ram", "-1");
        refused("--max-graph-nodes 0: must be 1 or more", "--max-graph-nodes", "0");
        refused("--max-graph-depth 0: must be 1 or more", "--max-graph-depth", "0");
    }

    @Test
    void precisionFlagsOfOneGroupAreExclusive() {
        refused("--bf16-unet: not allowed with --fp32-unet", "--bf16-unet", "--fp32-unet");
        refused("--bf16-vae: not allowed with --fp32-vae", "--fp32-vae", "--bf16-vae");
    }

    @Test
    void choicesMustBeKnown() {
        refused("--preview-method foo: must be one of none, auto, latent2rgb, taesd", "--preview-method", "foo");
        refused("--verbose LOUD: must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL", "--verbose", "LOUD");
        refused("--clip-tokenizer-url file:///x: must be an http or https URL", "--clip-tokenizer-url", "file:///x");
        refused("--log-format xml: must be text or json", "--log-format", "xml");
        refused("--cache-lru, --cache-none and --cache-classic are mutually exclusive", "--cache-lru", "3", "--cache-none");
        refused("--cache-lru, --cache-none and --cache-classic are mutually exclusive", "--cache-classic", "--cache-none");
    }

    @Test
    void foldersAreNotCreatedOutOfNothing() throws Exception {
        Path missing = dir.resolve("nonexistent/x/y");
        refused("--base-directory " + missing + ": no such directory", "--base-directory", missing.toString());
        assertThat(dir.resolve("nonexistent")).doesNotExist();
        Path file = Files.writeString(dir.resolve("f"), "x");
        refused("--output-directory " + file + ": is not a directory", "--output-directory", file.toString());
        refused("--input-directory " + missing + ": its parent directory does not exist", "--input-directory", missing.toString());
        refused("--database " + dir.resolve("no/such/q.db") + ": its directory does not exist", "--database", dir.resolve("no/such/q.db").toString());
        refused("--database " + dir + ": is a directory; give a file name or 'none'", "--database", dir.toString());
    }

    @Test
    void everyProblemIsReportedOneLineEachBeforeAnythingStarts() {
        Result r = run("--port", "99999", "--preview-method", "foo", "--verbose", "LOUD", "--max-upload-size", "0");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().lines().toList()).containsExactly(
                "comfy4j: --port 99999: must be between 0 and 65535",
                "comfy4j: --max-upload-size 0: must be a size in MB greater than 0 and at most 1048576",
                "comfy4j: --preview-method foo: must be one of none, auto, latent2rgb, taesd",
                "comfy4j: --verbose LOUD: must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL",
                "Run 'comfy4j --help' for the flags.");
    }

    @Test
    void unreadableValuesAndTheEnvironmentGetTheSameTreatment() {
        Result r = run("--port", "abc");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().lines().findFirst().orElseThrow()).isEqualTo("comfy4j: Invalid value for option '--port': 'abc' is not an int");
        Result env = run(Map.of("COMFY4J_PORT", "70000"));
        assertThat(env.exit()).isEqualTo(2);
        assertThat(env.err()).startsWith("comfy4j: --port 70000: must be between 0 and 65535\n");
    }

    @Test
    void helpDescribesEveryFlagAndTheLogLevels() {
        Result r = run("--help");
        assertThat(r.exit()).isZero();
        for (String flag : new String[] {"--input-directory", "--output-directory", "--user-directory", "--preview-size",
                "--max-graph-nodes", "--max-graph-depth", "--clip-tokenizer-url"}) {
            String line = r.out().lines().filter(l -> l.contains(flag)).findFirst().orElseThrow();
            String description = line.substring(line.indexOf(flag) + flag.length()).replaceAll("=<[^>]*>", "").trim();
            assertThat(description).as("help text of " + flag).isNotEmpty();
        }
        assertThat(r.out().replaceAll("\\s+", " ")).contains("DEBUG, INFO, WARNING, ERROR or CRITICAL");
    }

    @Test
    void levelsMapToTheLogger() {
        assertThat(CliOptions.logLevel("debug")).isEqualTo("debug");
        assertThat(CliOptions.logLevel("WARNING")).isEqualTo("warn");
        assertThat(CliOptions.logLevel("CRITICAL")).isEqualTo("error");
        assertThat(CliOptions.logLevel(null)).isEqualTo("info");
        assertThat(CliOptions.logLevel("LOUD")).isNull();
    }
}
