package dev.comfy4j.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.config.ServerConfig;
import dev.comfy4j.json.Json;
import dev.comfy4j.nodes.NodeCatalogue;
import dev.comfy4j.support.TestServices;
import dev.comfy4j.tensor.MemoryStats;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Prompt after prompt of large images: the outputs the caches drop do not pile up in native memory. */
class NativeMemoryTest {
    @TempDir Path base;

    private static ObjectNode prompt(int color) {
        ObjectNode p = Json.object();
        ObjectNode empty = p.putObject("1");
        empty.put("class_type", "EmptyImage");
        empty.putObject("inputs").put("width", 1024).put("height", 1024).put("batch_size", 2).put("color", color);
        ObjectNode invert = p.putObject("2");
        invert.put("class_type", "ImageInvert");
        invert.putObject("inputs").putArray("image").add("1").add(0);
        ObjectNode size = p.putObject("3");
        size.put("class_type", "GetImageSize");
        size.putObject("inputs").putArray("image").add("2").add(0);
        ObjectNode preview = p.putObject("4");
        preview.put("class_type", "PreviewAny");
        preview.putObject("inputs").putArray("source").add("3").add(0);
        return p;
    }

    @Test
    void residentMemoryStaysFlatOverManyPrompts() {
        long perPrompt = 2L * 1024 * 1024 * 3 * 4 * 2; // two float images of 2x1024x1024x3: 48 MiB
        GraphEngine engine = new GraphEngine(ServerConfig.defaults(base), NodeCatalogue.registry(TestServices.over(base)));
        for (int i = 0; i < 5; i++) run(engine, i); // warm up: caches, allocator pools, JIT
        long before = MemoryStats.currentRss();
        int prompts = 40;
        for (int i = 5; i < 5 + prompts; i++) run(engine, i);
        long growth = MemoryStats.currentRss() - before;
        // Without the guard the dropped outputs stay until the heap asks for a collection: ~1.9 GB here.
        assertThat(growth).as("RSS growth over %d prompts of %d MiB each", prompts, perPrompt >> 20)
                .isLessThan(NativeMemoryGuard.GROWTH_BYTES + 8 * perPrompt);
    }

    private static void run(GraphEngine engine, int color) {
        ObjectNode prompt = prompt(color);
        ValidationOutcome checked = engine.validate("p" + color, prompt, null);
        assertThat(checked.valid()).isTrue();
        ExecutionOutcome outcome = engine.execute("p" + color, checked.prompt(), Json.object(), List.of("4"),
                ExecutionListener.NONE);
        assertThat(outcome.success()).isTrue();
    }
}
