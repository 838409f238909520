package dev.comfy4j.nodes.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.files.Folders;
import dev.comfy4j.files.OutputNaming;
import dev.comfy4j.imaging.ApngWriter;
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
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * SaveAnimatedPNG: the whole batch as one APNG, frame duration {@code int(1000/fps)} ms, with the
 * prompt and extra_pnginfo in private {@code comf} chunks after the image data.
 */
public final class SaveAnimatedPNG implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("SaveAnimatedPNG", "comfy_extras.nodes_images")
                .displayName("SaveAnimatedPNG")
                .category("image/animation")
                .input(Input.of("images", "IMAGE").noOptions())
                .input(Input.of("filename_prefix", "STRING").option("default", "ComfyUI"))
                .input(Input.of("fps", "FLOAT").option("default", 6.0).option("min", 0.01).option("max", 1000.0).option("step", 0.01))
                .input(Input.of("compress_level", "INT").option("default", 4).option("min", 0).option("max", 9))
                .hidden("prompt", Hidden.PROMPT)
                .hidden("extra_pnginfo", Hidden.EXTRA_PNGINFO)
                .outputNode()
                .build();
    }

    private final Folders folders;

    public SaveAnimatedPNG(Folders folders) {
        this.folders = folders;
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        AnimatedFrames frames = AnimatedFrames.of(ImageSupport.tensor(in.get("images"), "images"));
        OutputNaming.Target target = ImageSaver.target(in.string("filename_prefix"), folders.output(), frames.width(), frames.height());
        List<Map.Entry<String, byte[]>> comf = context.config().disableMetadata() ? List.of()
                : comfChunks(context.prompt(), context.extraPngInfo());
        byte[] png = ApngWriter.encode(frames.width(), frames.height(), frames.argb(), frames.alpha(),
                AnimatedFrames.durationMs(in.floating("fps")), comf, (int) in.integer("compress_level"));
        String file = target.fileName(0, "png");
        try {
            Files.write(target.folder().resolve(file), png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ObjectNode ui = Json.object();
        ui.putArray("images").add(OutputNaming.uiResult(file, target.subfolder(), "output"));
        ui.putArray("animated").add(true);
        return NodeResult.uiOnly(ui);
    }

    /** {@code key\0json.dumps(value)} for the prompt and each extra_pnginfo key, Latin-1 (strict). */
    static List<Map.Entry<String, byte[]>> comfChunks(JsonNode prompt, JsonNode extraPngInfo) {
        List<Map.Entry<String, byte[]>> chunks = new ArrayList<>();
        if (prompt != null && !prompt.isNull() && !prompt.isMissingNode()) chunks.add(comf("prompt", prompt));
        if (extraPngInfo != null && extraPngInfo.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = extraPngInfo.fields(); it.hasNext(); ) {
                var e = it.next();
                chunks.add(comf(e.getKey(), e.getValue()));
            }
        }
        return chunks;
    }

    private static Map.Entry<String, byte[]> comf(String key, JsonNode value) {
        if (!StandardCharsets.ISO_8859_1.newEncoder().canEncode(key)) {
            throw new PyError("UnicodeEncodeError", "'latin-1' codec can't encode characters in " + key);
        }
        String text = key + "\0" + PyJson.dumps(PyValues.fromJson(value));
        return Map.entry("comf", text.getBytes(StandardCharsets.ISO_8859_1));
    }
}
