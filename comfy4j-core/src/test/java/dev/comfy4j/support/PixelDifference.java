package dev.comfy4j.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;

/** Differences of the 8-bit RGB channels between two images of the same size: the largest, the mean. */
public final class PixelDifference {
    private PixelDifference() {}

    public static int largest(BufferedImage ours, BufferedImage theirs) {
        int worst = 0;
        for (int d : channelDifferences(ours, theirs)) worst = Math.max(worst, d);
        return worst;
    }

    /** The mean absolute difference over every pixel's R, G and B. */
    public static double mean(BufferedImage ours, BufferedImage theirs) {
        int[] d = channelDifferences(ours, theirs);
        long sum = 0;
        for (int v : d) sum += v;
        return (double) sum / d.length;
    }

    private static int[] channelDifferences(BufferedImage ours, BufferedImage theirs) {
        assertThat(ours.getWidth()).as("width").isEqualTo(theirs.getWidth());
        assertThat(ours.getHeight()).as("height").isEqualTo(theirs.getHeight());
        int[] out = new int[theirs.getWidth() * theirs.getHeight() * 3];
        int i = 0;
        for (int y = 0; y < theirs.getHeight(); y++) {
            for (int x = 0; x < theirs.getWidth(); x++) {
                int a = ours.getRGB(x, y);
                int b = theirs.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) out[i++] = Math.abs((a >> shift & 0xff) - (b >> shift & 0xff));
            }
        }
        return out;
    }
}
