package dev.comfy4j.nodes.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.files.OutputNaming;
import dev.comfy4j.imaging.Pixels;
import dev.comfy4j.imaging.PngMetadata;
import dev.comfy4j.json.Json;
import dev.comfy4j.python.PyError;
import dev.comfy4j.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/** SaveImage's body, shared by SaveImage, PreviewImage and MaskPreview: one PNG per batch item. */
public final class ImageSaver {
    private ImageSaver() {}

    /**
     * Writes {@code images} ([B,H,W,C], C 3 or 4) as {@code <prefix>_<counter>_.png} under {@code root}.
     *
     * @return the UI dict {@code {"images": [{filename, subfolder, type}, ...]}}
     */
    public static ObjectNode savePngs(Tensor images, String prefix, Path root, String type, int compressLevel,
            JsonNode prompt, JsonNode extraPngInfo, boolean disableMetadata) {
        long[] s = images.shape();
        if (s.length != 4) throw PyError.typeError("Cannot handle this data type: images of shape " + java.util.Arrays.toString(s));
        int h = (int) s[1], w = (int) s[2], c = (int) s[3];
        if (c != 3 && c != 4 && c != 1) throw PyError.typeError("Cannot handle this data type: (1, 1, " + c + "), |u1");
        OutputNaming.Target target = target(prefix, root, w, h);
        ObjectNode ui = Json.object();
        ArrayNode list = ui.putArray("images");
        for (int b = 0; b < s[0]; b++) {
            int[] argb = Pixels.toArgb(images, b);
            byte[] png = PngMetadata.png(w, h, argb, c == 4, prompt, extraPngInfo, disableMetadata, compressLevel);
            String file = target.fileName(b, "png");
            try {
                Files.write(target.folder().resolve(file), png);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            list.add(OutputNaming.uiResult(file, target.subfolder(), type));
        }
        return ui;
    }

    /** get_save_image_path; saving outside the folder raises a plain {@code Exception}, as in ComfyUI. */
    public static OutputNaming.Target target(String prefix, Path root, int width, int height) {
        try {
            return OutputNaming.resolve(prefix, root, width, height);
        } catch (OutputNaming.OutsideOutputFolderException e) {
            throw new PyError("Exception", e.getMessage());
        }
    }

    /** PreviewImage's {@code _temp_} + 5 random letters, from ComfyUI's own alphabet. */
    public static String tempSuffix() {
        String letters = "abcdefghijklmnopqrstupvxyz";
        StringBuilder sb = new StringBuilder("_temp_");
        for (int i = 0; i < 5; i++) sb.append(letters.charAt(ThreadLocalRandom.current().nextInt(letters.length())));
        return sb.toString();
    }
}
