package dev.comfy4j.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.config.ServerConfig;
import dev.comfy4j.engine.SharedFiles;
import dev.comfy4j.files.Folders;
import dev.comfy4j.support.TestServices;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /object_info of every image, mask and latent node equals ComfyUI's, key for key (file lists aside). */
class ImageObjectInfoTest {
    @TempDir
    Path base;

    @Test
    void matchesComfyUI() throws Exception {
        JsonNode golden = SharedFiles.json("golden/comfyui/object_info.json");
        List<String> order = new ArrayList<>();
        golden.fieldNames().forEachRemaining(order::add);
        try (Folders folders = Folders.create(ServerConfig.defaults(base))) {
            NodeRegistry registry = NodeCatalogue.registry(TestServices.over(folders));
            int last = -1;
            for (NodeRegistry.Entry e : registry.all()) {
                String name = e.schema().className();
                String pkg = e.prototype().getClass().getPackageName();
                if (!(pkg.endsWith(".image") || pkg.endsWith(".mask") || pkg.endsWith(".latent"))) continue;
                ObjectNode ours = ObjectInfo.describe(e.schema());
                ObjectNode theirs = golden.get(name).deepCopy();
                // Folder listings differ between machines: compare the option dicts only.
                for (String file : List.of("image", "latent")) {
                    JsonNode a = theirs.path("input").path("required").path(file);
                    JsonNode b = ours.path("input").path("required").path(file);
                    if (a.isArray() && a.get(0).isArray() && b.isArray()) {
                        ((ArrayNode) a).set(0, b.get(0));
                    }
                }
                assertThat(ours).as(name).isEqualTo(theirs);
                int index = order.indexOf(name);
                assertThat(index).as(name + " comes after the previous node, as in ComfyUI").isGreaterThan(last);
                last = index;
            }
        }
    }
}
