package dev.comfy4j.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;

/** The largest difference of one 8-bit RGB channel between two images of the same size. */
public final class PixelDifference {
    private PixelDifference() {}

    public static int largest(BufferedImage ours, BufferedImage theirs) {
        assertThat(ours.getWidth()).as("width").isEqualTo(theirs.getWidth());
        assertThat(ours.getHeight()).as("height").isEqualTo(theirs.getHeight());
        int worst = 0;
        for (int y = 0; y < theirs.getHeight(); y++) {
            for (int x = 0; x < theirs.getWidth(); x++) {
                int a = ours.getRGB(x, y);
                int b = theirs.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) worst = Math.max(worst, Math.abs((a >> shift & 0xff) - (b >> shift & 0xff)));
            }
        }
        return worst;
    }
}
