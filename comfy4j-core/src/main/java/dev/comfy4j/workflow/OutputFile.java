package dev.comfy4j.workflow;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** A file a node wrote (SaveImage, PreviewImage, ...), as its UI output names it, read on demand. */
public record OutputFile(String nodeId, String filename, String subfolder, String type, FileReader reader) {
    /** Reads an output file: the engine's folders, or a server's {@code /view}. */
    @FunctionalInterface
    public interface FileReader {
        byte[] read(String filename, String subfolder, String type) throws IOException;
    }

    public byte[] bytes() {
        try {
            return reader.read(filename, subfolder, type);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read output " + filename, e);
        }
    }

    /** The file decoded as an image (PNG, JPEG...), or an exception when it is not one ImageIO reads. */
    public BufferedImage image() {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes()));
            if (image == null) throw new IOException("not an image ImageIO can read");
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot decode output " + filename, e);
        }
    }
}
