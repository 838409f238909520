package dev.comfy4j.nodes.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.files.Folders;
import dev.comfy4j.files.OutputNaming;
import dev.comfy4j.imaging.AnimatedWebpWriter;
import dev.comfy4j.imaging.ExifWriter;
import dev.comfy4j.json.Json;
import dev.comfy4j.nodes.Hidden;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.python.PyJson;
import dev.comfy4j.python.PyValues;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SaveAnimatedWEBP: the whole batch as one animated WebP, frame duration {@code int(1000/fps)} ms,
 * with EXIF 0x0110 {@code prompt:<json>} and 0x010F downwards {@code <key>:<json>}.
 *
 * <p>Deliberate difference: frames are always stored lossless. ComfyUI passes {@code lossless},
 * {@code quality} and {@code method} to libwebp; we have only a lossless encoder, so
 * {@code lossless=false} still gives exact pixels (a larger file, never a lossy one) and quality and
 * method (which only trade size for time) have no effect.
 */
public final class SaveAnimatedWEBP implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("SaveAnimatedWEBP", "comfy_extras.nodes_images")
                .displayName("SaveAnimatedWEBP")
                .category("image/animation")
                .input(Input.of("images", "IMAGE").noOptions())
                .input(Input.of("filename_prefix", "STRING").option("default", "ComfyUI"))
                .input(Input.of("fps", "FLOAT").option("default", 6.0).option("min", 0.01).option("max", 1000.0).option("step", 0.01))
                .input(Input.of("lossless", "BOOLEAN").option("default", true))
                .input(Input.of("quality", "INT").option("default", 80).option("min", 0).option("max", 100))
                .input(Input.combo("method", "default", "fastest", "slowest").noOptions())
                .hidden("prompt", Hidden.PROMPT)
                .hidden("extra_pnginfo", Hidden.EXTRA_PNGINFO)
                .outputNode()
                .build();
    }

    private final Folders folders;

    public SaveAnimatedWEBP(Folders folders) {
        this.folders = folders;
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        AnimatedFrames frames = AnimatedFrames.of(ImageSupport.tensor(in.get("images"), "images"));
        OutputNaming.Target target = ImageSaver.target(in.string("filename_prefix"), folders.output(), frames.width(), frames.height());
        Map<Integer, String> tags = context.config().disableMetadata() ? Map.of()
                : exifTags(context.prompt(), context.extraPngInfo());
        byte[] exif = tags.isEmpty() ? new byte[0] : ExifWriter.asciiTags(tags);
        byte[] webp = AnimatedWebpWriter.encode(frames.width(), frames.height(), frames.argb(), frames.alpha(),
                AnimatedFrames.durationMs(in.floating("fps")), exif);
        String file = target.fileName(0, "webp");
        try {
            Files.write(target.folder().resolve(file), webp);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ObjectNode ui = Json.object();
        ui.putArray("images").add(OutputNaming.uiResult(file, target.subfolder(), "output"));
        ui.putArray("animated").add(frames.argb().size() != 1);
        return NodeResult.uiOnly(ui);
    }

    /** 0x0110 (Model) holds the prompt; the extra_pnginfo keys count down from 0x010F (Make). */
    static Map<Integer, String> exifTags(JsonNode prompt, JsonNode extraPngInfo) {
        Map<Integer, String> tags = new LinkedHashMap<>();
        if (prompt != null && !prompt.isNull() && !prompt.isMissingNode()) {
            tags.put(0x0110, "prompt:" + PyJson.dumps(PyValues.fromJson(prompt)));
        }
        if (extraPngInfo != null && extraPngInfo.isObject()) {
            int tag = 0x010F;
            for (Iterator<Map.Entry<String, JsonNode>> it = extraPngInfo.fields(); it.hasNext(); ) {
                var e = it.next();
                tags.put(tag--, e.getKey() + ":" + PyJson.dumps(PyValues.fromJson(e.getValue())));
            }
        }
        return tags;
    }
}
