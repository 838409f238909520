package dev.comfy4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 10: the README keeps its two first commands, says what works and what does not yet,
 * and its quick check names exactly the conformance cases expected to fail.
 */
class ReadmeTest {
    private static String readme() throws Exception {
        return Files.readString(Path.of("README.md"));
    }

    @Test
    void theTwoFirstCommandsAreUnchanged() throws Exception {
        List<String> lines = readme().lines().limit(4).toList();
        assertThat(lines).containsExactly("```", "./mvnw -q -DskipTests package && bin/comfy4j", "./mvnw test", "```");
    }

    @Test
    void itSaysWhatWorksAndWhatDoesNotYet() throws Exception {
        String text = readme();
        assertThat(text).contains("## What works today, and what does not yet").contains("**Works:**")
                .contains("**Not yet (being built):**");
    }

    @Test
    void theQuickCheckNamesExactlyTheKnownConformanceFailures() throws Exception {
        String text = readme();
        String quickCheck = text.substring(text.indexOf("A quick check against a running server"), text.indexOf("## Documentation"));
        List<String> known = Files.readAllLines(Path.of("comfy4j-server/src/test/resources/conformance/known-failures.txt")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).map(l -> l.split("\\s+", 2)[0]).toList();
        assertThat(known).isNotEmpty();
        List<String> named = quickCheck.lines().filter(l -> l.startsWith("- `"))
                .map(l -> l.substring(3, l.indexOf('`', 3))).toList();
        assertThat(named).containsExactlyInAnyOrderElementsOf(known);
    }
}
