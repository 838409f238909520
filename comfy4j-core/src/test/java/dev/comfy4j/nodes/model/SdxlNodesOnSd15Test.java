package dev.comfy4j.nodes.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.comfy4j.model.sd.ClipHandle;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeCatalogue;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeRegistry;
import dev.comfy4j.nodes.NodeServices;
import dev.comfy4j.python.PyError;
import dev.comfy4j.support.TestCheckpoints;
import dev.comfy4j.support.TestServices;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SDXL text node given an SD1.5 CLIP: a clear RuntimeError (ComfyUI fails with {@code KeyError: 'g'}). */
class SdxlNodesOnSd15Test {
    @TempDir static Path base;
    private static NodeServices services;
    private static NodeRegistry nodes;
    private static List<Object> checkpoint;

    @BeforeAll
    static void load() throws Exception {
        ModelFolder.layOut(base);
        services = TestServices.over(base);
        nodes = NodeCatalogue.registry(services);
        checkpoint = run("CheckpointLoaderSimple", Map.of("ckpt_name", TestCheckpoints.SD15_NAME));
    }

    @AfterAll
    static void close() {
        if (services != null) services.models().close();
    }

    @Test
    void clipTextEncodeSdxlNeedsAnSdxlClip() {
        assertThat(((ClipHandle) checkpoint.get(1)).isSdxl()).isFalse();
        Map<String, Object> inputs = new HashMap<>();
        inputs.put("clip", checkpoint.get(1));
        for (String name : List.of("width", "height", "crop_w", "crop_h", "target_width", "target_height")) inputs.put(name, 1024L);
        inputs.put("text_g", "a cat");
        inputs.put("text_l", "a cat");
        assertThatThrownBy(() -> run("CLIPTextEncodeSDXL", inputs)).isInstanceOf(PyError.class)
                .hasMessageContaining("needs an SDXL CLIP").hasMessageContaining(TestCheckpoints.SD15_NAME);
    }

    static List<Object> run(String type, Map<String, Object> inputs) throws Exception {
        Node node = nodes.get(type).factory().get();
        return node.execute(NodeInputs.of(inputs), new RecordingContext()).values();
    }
}
