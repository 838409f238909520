package dev.comfy4j.templates;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.engine.SharedFiles;
import dev.comfy4j.json.Json;
import dev.comfy4j.server.routes.TemplateRoutes;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The workflow templates comfy4j ships, checked against ComfyUI's recorded {@code /object_info}: every
 * node class exists, every widget value fits its input's declaration (type, range, choices), every
 * link joins an output to an input of the same type, and every required input is given; each template
 * converts to an API prompt as the editor converts it.
 */
class WorkflowTemplatesGoldenTest {
    static final Path FOLDER = TemplateRoutes.bundledFolder();

    static Map<String, JsonNode> templates() throws IOException {
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        JsonNode index = Json.parse(Files.readString(FOLDER.resolve("index.json")));
        for (JsonNode category : index) {
            for (JsonNode template : category.path("templates")) {
                String name = template.path("name").asText();
                byName.put(name, Json.parse(Files.readString(FOLDER.resolve(name + ".json"))));
            }
        }
        return byName;
    }

    @Test
    void theIndexListsTheFourWorkflowsWithThumbnails() throws IOException {
        JsonNode index = Json.parse(Files.readString(FOLDER.resolve("index.json")));
        assertThat(index.isArray()).isTrue();
        List<String> names = new ArrayList<>();
        for (JsonNode category : index) {
            assertThat(category.path("moduleName").asText()).isEqualTo("default"); // the editor reads /templates/ only for "default"
            assertThat(category.path("title").asText()).isNotBlank();
            for (JsonNode t : category.path("templates")) {
                names.add(t.path("name").asText());
                assertThat(t.path("description").asText()).isNotBlank();
                assertThat(t.path("mediaType").asText()).isEqualTo("image");
                Path thumbnail = FOLDER.resolve(t.path("name").asText() + "-1." + t.path("mediaSubtype").asText());
                BufferedImage image = ImageIO.read(thumbnail.toFile());
                assertThat(image).as(thumbnail.toString()).isNotNull();
                assertThat(image.getWidth()).isEqualTo(256);
            }
        }
        assertThat(names).containsExactly("sd15_text_to_image", "sd15_image_to_image", "sd15_inpainting", "sd15_upscale");
    }

    @Test
    void everyTemplateFitsComfyUisNodeDeclarations() throws IOException {
        JsonNode objectInfo = SharedFiles.json("golden/comfyui/object_info.json");
        for (Map.Entry<String, JsonNode> template : templates().entrySet()) {
            JsonNode workflow = template.getValue();
            List<UiToApi.WidgetValue> widgets = new ArrayList<>();
            ObjectNode prompt = UiToApi.convert(workflow, objectInfo, widgets);
            assertThat(prompt.size()).as(template.getKey()).isEqualTo(workflow.path("nodes").size());
            for (UiToApi.WidgetValue w : widgets) assertFits(template.getKey(), w);
            checkLinks(template.getKey(), workflow, objectInfo);
            prompt.properties().forEach(node -> {
                JsonNode info = objectInfo.get(node.getValue().path("class_type").asText());
                info.path("input").path("required").fieldNames().forEachRemaining(required -> assertThat(node.getValue().path("inputs").has(required))
                        .as("%s: node %s misses required input %s", template.getKey(), node.getKey(), required).isTrue());
            });
        }
    }

    @Test
    void textToImageConvertsToTheExpectedApiPrompt() throws IOException {
        JsonNode objectInfo = SharedFiles.json("golden/comfyui/object_info.json");
        ObjectNode prompt = UiToApi.convert(templates().get("sd15_text_to_image"), objectInfo);
        prompt.properties().forEach(e -> ((ObjectNode) e.getValue()).remove("_meta"));
        // Written out by hand: the classic SD1.5 graph, seed's "randomize" and LoadImage's upload values not in it.
        JsonNode expected = Json.parse("""
                {"4": {"inputs": {"ckpt_name": "v1-5-pruned-emaonly-fp16.safetensors"}, "class_type": "CheckpointLoaderSimple"},
                 "5": {"inputs": {"width": 512, "height": 512, "batch_size": 1}, "class_type": "EmptyLatentImage"},
                 "6": {"inputs": {"text": "a beautiful scenic nature landscape, mountains, lake at sunrise, highly detailed", "clip": ["4", 1]}, "class_type": "CLIPTextEncode"},
                 "7": {"inputs": {"text": "text, watermark, blurry", "clip": ["4", 1]}, "class_type": "CLIPTextEncode"},
                 "3": {"inputs": {"model": ["4", 0], "seed": 156680208700286, "steps": 20, "cfg": 8, "sampler_name": "euler",
                                  "scheduler": "normal", "positive": ["6", 0], "negative": ["7", 0], "latent_image": ["5", 0], "denoise": 1.0},
                       "class_type": "KSampler"},
                 "8": {"inputs": {"samples": ["3", 0], "vae": ["4", 2]}, "class_type": "VAEDecode"},
                 "9": {"inputs": {"images": ["8", 0], "filename_prefix": "comfy4j_t2i"}, "class_type": "SaveImage"}}
                """);
        assertThat(prompt).isEqualTo(expected);
        assertThat(List.copyOf(iterable(prompt.fieldNames()))).containsExactly("4", "5", "6", "7", "3", "8", "9");
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    /** Every link's type is the source output's type and the target input's declared type. */
    private static void checkLinks(String template, JsonNode workflow, JsonNode objectInfo) {
        Map<Integer, JsonNode> nodes = new LinkedHashMap<>();
        workflow.path("nodes").forEach(n -> nodes.put(n.get("id").asInt(), n));
        for (JsonNode link : workflow.path("links")) {
            JsonNode source = nodes.get(link.get(1).asInt());
            JsonNode target = nodes.get(link.get(3).asInt());
            assertThat(source).as("%s: link %s source", template, link).isNotNull();
            assertThat(target).as("%s: link %s target", template, link).isNotNull();
            String outputType = objectInfo.get(source.get("type").asText()).path("output").get(link.get(2).asInt()).asText();
            String inputName = target.path("inputs").get(link.get(4).asInt()).path("name").asText();
            JsonNode info = objectInfo.get(target.get("type").asText()).path("input");
            JsonNode spec = info.path("required").has(inputName) ? info.path("required").get(inputName) : info.path("optional").get(inputName);
            assertThat(spec).as("%s: input %s of %s", template, inputName, target.get("type")).isNotNull();
            assertThat(link.get(5).asText()).as("%s: link %s", template, link).isEqualTo(outputType).isEqualTo(spec.get(0).asText());
            assertThat(target.path("inputs").get(link.get(4).asInt()).path("link").asInt()).isEqualTo(link.get(0).asInt());
        }
    }

    private static void assertFits(String template, UiToApi.WidgetValue w) {
        String where = template + ": node " + w.nodeId() + " " + w.classType() + "." + w.input();
        JsonNode type = w.spec().path(0);
        JsonNode options = w.spec().path(1);
        JsonNode value = w.value();
        if (type.isArray() || type.asText().equals("COMBO")) {
            JsonNode choices = type.isArray() ? type : options.path("options");
            if (isFileList(choices)) {
                assertThat(value.asText()).as(where).contains(".");
            } else {
                List<String> allowed = new ArrayList<>();
                choices.forEach(c -> allowed.add(c.asText()));
                assertThat(allowed).as(where).contains(value.asText());
            }
            return;
        }
        switch (type.asText()) {
            case "INT" -> {
                assertThat(value.isIntegralNumber()).as(where).isTrue();
                if (options.has("min")) assertThat(value.bigIntegerValue()).as(where).isGreaterThanOrEqualTo(options.get("min").bigIntegerValue());
                if (options.has("max")) assertThat(value.bigIntegerValue()).as(where).isLessThanOrEqualTo(options.get("max").bigIntegerValue());
            }
            case "FLOAT" -> {
                assertThat(value.isNumber()).as(where).isTrue();
                if (options.has("min")) assertThat(value.asDouble()).as(where).isGreaterThanOrEqualTo(options.get("min").asDouble());
                if (options.has("max")) assertThat(value.asDouble()).as(where).isLessThanOrEqualTo(options.get("max").asDouble());
            }
            case "STRING" -> assertThat(value.isTextual()).as(where).isTrue();
            case "BOOLEAN" -> assertThat(value.isBoolean()).as(where).isTrue();
            default -> throw new AssertionError(where + ": unexpected widget type " + type);
        }
    }

    /** A list of files in a models or input folder: its entries depend on the machine, not on the node. */
    private static boolean isFileList(JsonNode choices) {
        if (choices.isEmpty()) return true;
        for (JsonNode c : choices) if (!c.asText().matches(".*\\.[A-Za-z0-9]{2,12}$")) return false;
        return true;
    }
}
