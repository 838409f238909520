package dev.comfy4j.nodes.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.files.Folders;
import dev.comfy4j.files.OutputNaming;
import dev.comfy4j.json.Json;
import dev.comfy4j.nodes.Hidden;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.python.PyError;
import dev.comfy4j.python.PyJson;
import dev.comfy4j.python.PyValues;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SaveSVGNode: one {@code .svg} file per SVG item, with the prompt and extra_pnginfo as indented JSON
 * in a {@code <metadata>} CDATA block after every {@code <svg ...>} tag. Like ComfyUI it writes the
 * metadata whenever the hidden values are present (it does not look at --disable-metadata).
 */
public final class SaveSVGNode implements Node {
    private static final Pattern SVG_TAG = Pattern.compile("(<svg[^>]*>)");

    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("SaveSVGNode", "comfy_extras.nodes_images")
                .displayName("SaveSVGNode")
                .category("image/save")
                .description("Save SVG files on disk.")
                .input(Input.of("svg", "SVG").noOptions())
                .input(Input.of("filename_prefix", "STRING").option("default", "svg/ComfyUI").option("tooltip", "The prefix for the file to save. This may include formatting information such as %date:yyyy-MM-dd% or %Empty Latent Image.width% to include values from nodes."))
                .hidden("prompt", Hidden.PROMPT)
                .hidden("extra_pnginfo", Hidden.EXTRA_PNGINFO)
                .outputNode()
                .build();
    }

    private final Folders folders;

    public SaveSVGNode(Folders folders) {
        this.folders = folders;
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        if (!(in.get("svg") instanceof Svg svg)) throw PyError.typeError("svg must be an SVG");
        OutputNaming.Target target = ImageSaver.target(in.string("filename_prefix"), folders.output(), 0, 0);
        String metadata = metadataJson(context.prompt(), context.extraPngInfo());
        ObjectNode ui = Json.object();
        ArrayNode list = ui.putArray("images");
        for (int b = 0; b < svg.data().size(); b++) {
            String text = new String(svg.data().get(b), StandardCharsets.UTF_8);
            if (metadata != null) text = withMetadata(text, metadata);
            String file = target.fileName(b, "svg");
            try {
                Files.writeString(target.folder().resolve(file), text, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            list.add(OutputNaming.uiResult(file, target.subfolder(), "output"));
        }
        return NodeResult.uiOnly(ui);
    }

    /** {@code json.dumps({"prompt": prompt, **extra_pnginfo}, indent=2)}, or null when both are absent. */
    static String metadataJson(JsonNode prompt, JsonNode extraPngInfo) {
        Map<String, Object> dict = new LinkedHashMap<>();
        if (prompt != null && !prompt.isNull() && !prompt.isMissingNode()) dict.put("prompt", PyValues.fromJson(prompt));
        if (extraPngInfo != null && extraPngInfo.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = extraPngInfo.fields(); it.hasNext(); ) {
                var e = it.next();
                dict.put(e.getKey(), PyValues.fromJson(e.getValue()));
            }
        }
        return dict.isEmpty() ? null : PyJson.dumps(dict, 2);
    }

    /** The metadata element inserted after each opening svg tag, with ComfyUI's exact whitespace. */
    static String withMetadata(String svg, String metadataJson) {
        String element = "  <metadata>\n                <![CDATA[\n            " + metadataJson
                + "\n                ]]>\n            </metadata>\n            ";
        Matcher m = SVG_TAG.matcher(svg);
        StringBuilder out = new StringBuilder();
        while (m.find()) m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + "\n" + element));
        m.appendTail(out);
        return out.toString();
    }
}
