package dev.comfy4j.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfy4j.config.CacheMode;
import org.junit.jupiter.api.Test;

/** The three cache strategies and IS_CHANGED across prompts (execution spec §11). */
class CachingTest {
    private static final String A = "{'1': {'class_type': 'TestPass', 'inputs': {'a': 'x'}},"
            + "'2': {'class_type': 'TestOutput', 'inputs': {'a': ['1', 0]}}}";
    private static final String B = "{'1': {'class_type': 'TestPass', 'inputs': {'a': 'x'}},"
            + "'2': {'class_type': 'TestOutput', 'inputs': {'a': ['1', 0], 'b': 'other'}}}";

    @Test
    void classicKeepsOnlyWhatTheNextPromptUses() {
        Prompts p = new Prompts(new CacheMode.Classic());
        p.run(A);
        Prompts.Run again = p.run(A);
        assertThat(again.events().ofType("execution_cached").get(0).get("nodes")).isEqualTo(Prompts.value("['1', '2']"));
        assertThat(p.calls("TestPass")).isEqualTo(1);
        assertThat(p.calls("TestOutput")).isEqualTo(1);
        p.run(B);
        assertThat(p.calls("TestPass")).isEqualTo(1);
        assertThat(p.calls("TestOutput")).isEqualTo(2);
        p.run(A);
        assertThat(p.calls("TestOutput")).as("A's output entry was dropped when B ran").isEqualTo(3);
    }

    @Test
    void lruKeepsEarlierPromptsResults() {
        Prompts p = new Prompts(new CacheMode.Lru(10));
        p.run(A);
        p.run(B);
        p.run(A);
        assertThat(p.calls("TestPass")).isEqualTo(1);
        assertThat(p.calls("TestOutput")).isEqualTo(2);
    }

    @Test
    void lruEvictsOldGenerationsBeyondItsSize() {
        Prompts p = new Prompts(new CacheMode.Lru(2));
        String c = "{'1': {'class_type': 'TestPass', 'inputs': {'a': 'y'}}, '2': {'class_type': 'TestOutput', 'inputs': {'a': ['1', 0]}}}";
        p.run(A);
        p.run(c);
        // 4 entries > 2: preparing A marks A's entries current, so C's generation is evicted.
        p.run(A);
        assertThat(p.calls("TestPass")).isEqualTo(2);
        p.run(c);
        assertThat(p.calls("TestPass")).isEqualTo(3);
    }

    @Test
    void noneRunsEverythingEveryTime() {
        Prompts p = new Prompts(new CacheMode.None());
        p.run(A);
        Prompts.Run again = p.run(A);
        assertThat(again.events().ofType("execution_cached").get(0).get("nodes")).isEmpty();
        assertThat(p.calls("TestPass")).isEqualTo(2);
        assertThat(again.outcome().outputs().get("2").get("value").get(0).asText()).isEqualTo("x");
    }

    @Test
    void fingerprintsJoinTheKeyAndNanAlwaysReruns() {
        Prompts p = new Prompts();
        String same = "{'1': {'class_type': 'TestFingerprint', 'inputs': {'key': 'k'}}, '2': {'class_type': 'TestOutput', 'inputs': {'a': ['1', 0]}}}";
        p.run(same);
        p.run(same);
        assertThat(p.calls("TestFingerprint")).isEqualTo(1);
        String always = same.replace("'k'", "'nan'");
        p.run(always);
        p.run(always);
        assertThat(p.calls("TestFingerprint")).isEqualTo(3);
    }

    @Test
    void fingerprintIsWrittenIntoThePromptAndAClientValueOverridesIt() {
        Prompts p = new Prompts();
        ValidationOutcome v = p.validate("{'1': {'class_type': 'TestFingerprint', 'inputs': {'key': 'k'}}, "
                + "'2': {'class_type': 'TestOutput', 'inputs': {'a': ['1', 0]}}}");
        p.engine.execute("p", v.prompt(), null, v.outputs(), ExecutionListener.NONE);
        assertThat(v.prompt().get("1").get("is_changed")).isEqualTo(Prompts.value("['k']"));
    }

    @Test
    void clearCachesDropsEverything() {
        Prompts p = new Prompts();
        p.run(A);
        p.engine.clearCaches();
        p.run(A);
        assertThat(p.calls("TestPass")).isEqualTo(2);
    }
}
