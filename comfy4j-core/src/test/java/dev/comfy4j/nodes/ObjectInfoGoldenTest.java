package dev.comfy4j.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.config.ServerConfig;
import dev.comfy4j.engine.GraphEngine;
import dev.comfy4j.engine.SharedFiles;
import dev.comfy4j.json.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every implemented node's /object_info entry equals ComfyUI 0.3.64's, key order and number types included. */
class ObjectInfoGoldenTest {
    private static final ServerConfig CONFIG = ServerConfig.defaults(Path.of("target", "engine-test"));
    // Nodes whose combos list folder files (which differ between this machine and the recording one):
    // the image loaders are compared by ImageObjectInfoTest; the checkpoint loaders list models/checkpoints and configs.
    private static final java.util.Set<String> LISTS_FILES = java.util.Set.of("LoadImage", "LoadImageMask", "LoadLatent",
            "CheckpointLoaderSimple", "CheckpointLoader");
    private final GraphEngine engine = new GraphEngine(CONFIG, NodeCatalogue.registry(dev.comfy4j.support.TestServices.scratch()));

    @Test
    void everyImplementedNodeMatchesTheGolden() throws Exception {
        JsonNode golden = SharedFiles.json("golden/comfyui/object_info.json");
        ObjectNode mine = engine.objectInfo();
        assertThat(mine.size()).as("the primitive and string nodes at least").isGreaterThanOrEqualTo(17);
        mine.fieldNames().forEachRemaining(name -> {
            if (LISTS_FILES.contains(name)) return;
            assertThat(golden.has(name)).as(name + " exists in ComfyUI").isTrue();
            // Serialised text compares key order and int/float spelling, which JsonNode.equals does not.
            assertThat(Json.write(mine.get(name))).as(name).isEqualTo(Json.write(golden.get(name)));
        });
    }

    @Test
    void registrationOrderFollowsComfyUIsOrder() throws Exception {
        JsonNode golden = SharedFiles.json("golden/comfyui/object_info.json");
        List<String> mine = new ArrayList<>();
        engine.objectInfo().fieldNames().forEachRemaining(mine::add);
        List<String> theirs = new ArrayList<>();
        golden.fieldNames().forEachRemaining(n -> {
            if (mine.contains(n)) theirs.add(n);
        });
        assertThat(mine).containsExactlyElementsOf(theirs);
    }

    @Test
    void singleClassLookup() {
        assertThat(engine.objectInfo("PrimitiveInt").fieldNames().next()).isEqualTo("PrimitiveInt");
        assertThat(engine.objectInfo("Nope")).isEmpty();
    }

    @Test
    void v1InputsWithoutOptionsAndHiddenInputsAreWrittenLikeComfyUI() {
        NodeSchema s = NodeSchema.v1("SaveThing", "nodes").category("image")
                .input(Input.of("images", "IMAGE").noOptions())
                .input(Input.combo("mode", "a", "b").optional())
                .hidden("prompt", Hidden.PROMPT).hidden("extra_pnginfo", Hidden.EXTRA_PNGINFO)
                .outputNode().build();
        assertThat(Json.write(ObjectInfo.describe(s))).isEqualTo(Json.write(dev.comfy4j.engine.TestJson.parse(
                "{'input': {'required': {'images': ['IMAGE']}, 'optional': {'mode': [['a', 'b'], {}]},"
                        + " 'hidden': {'prompt': 'PROMPT', 'extra_pnginfo': 'EXTRA_PNGINFO'}},"
                        + " 'input_order': {'required': ['images'], 'optional': ['mode'], 'hidden': ['prompt', 'extra_pnginfo']},"
                        + " 'output': [], 'output_is_list': [], 'output_name': [], 'name': 'SaveThing', 'display_name': 'SaveThing',"
                        + " 'description': '', 'python_module': 'nodes', 'category': 'image', 'output_node': true}")));
    }
}
