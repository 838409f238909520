package dev.comfy4j.model.upscale;

import dev.comfy4j.tensor.Device;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Detects and builds ESRGAN (RRDBNet) models as spandrel's {@code ESRGANArch} does: the key layout, the
 * number of blocks, features, growth channels and upsamplings, the in/out channels and Real-ESRGAN's
 * pixel unshuffle (input channels 4 or 16 times the output's) are all read from the weights; ESRGAN+
 * files add a 1x1 convolution per dense block ({@code conv1x1}).
 */
final class Esrgan {
    /** The three key layouts spandrel reads; each names the same modules differently. */
    enum Layout {
        /** The original ESRGAN repository's {@code nn.Sequential}: {@code model.0}, {@code model.1.sub.N.RDB1.conv1.0}, ... */
        OLD("old layout"),
        /** BasicSR / Real-ESRGAN: {@code conv_first}, {@code body.N.rdb1.conv1}, {@code conv_body}, {@code conv_up1}, ... */
        NEW("new layout"),
        /** BSRGAN / RealSR: {@code conv_first}, {@code RRDB_trunk.N.RDB1.conv1}, {@code trunk_conv}, {@code upconv1}, ... */
        BSRGAN("BSRGAN layout");

        final String label;

        Layout(String label) {
            this.label = label;
        }
    }

    private static final Pattern NEW_BLOCK = Pattern.compile("body\\.(\\d+)\\.rdb\\d\\.conv\\d+\\.(weight|bias)");
    private static final Pattern BSRGAN_BLOCK = Pattern.compile("RRDB_trunk\\.(\\d+)\\.RDB\\d\\.conv\\d+\\.(weight|bias)");
    private static final Pattern UPCONV = Pattern.compile("(upconv|conv_up)(\\d)\\.weight");

    private Esrgan() {}

    /** spandrel's detection: the layout of {@code keys}, or null when they are not an ESRGAN's. */
    static Layout detect(Set<String> keys) {
        if (keys.contains("model.0.weight") && keys.contains("model.1.sub.0.RDB1.conv1.0.weight")) return Layout.OLD;
        if (keys.containsAll(List.of("conv_first.weight", "body.0.rdb1.conv1.weight", "conv_body.weight", "conv_last.weight"))) {
            return Layout.NEW;
        }
        if (keys.containsAll(List.of("conv_first.weight", "RRDB_trunk.0.RDB1.conv1.weight", "trunk_conv.weight", "conv_last.weight"))) {
            return Layout.BSRGAN;
        }
        return null;
    }

    /** ESRGAN+ adds 1x1 convolutions inside the dense blocks; spandrel detects it by their keys. */
    static boolean isPlus(Set<String> keys) {
        if (keys.contains("model.1.sub.0.RDB1.conv1x1.weight")) return true;
        for (String k : keys) if (k.contains(".conv1x1.")) return true;
        return false;
    }

    /** Builds the model; a missing or misshapen weight is an {@link IllegalArgumentException}. */
    static UpscaleModel build(Layout layout, Set<String> keys, Weights w, Device device) {
        Names names = names(layout, keys);
        long[] firstShape = w.shape(names.first + ".weight");
        long inChannels = firstShape[1], features = firstShape[0];
        long growth = w.shape(names.dense(0, 1, 1) + ".weight")[0];
        long outChannels = w.shape(names.last + ".weight")[0];
        try {
            Conv first = w.conv(names.first, inChannels, features);
            List<RrdbNet.Rrdb> blocks = new ArrayList<>();
            for (int b = 0; b < names.blocks; b++) {
                List<RrdbNet.DenseBlock> dense = new ArrayList<>();
                for (int r = 1; r <= 3; r++) {
                    List<Conv> convs = new ArrayList<>();
                    for (int c = 1; c <= 5; c++) {
                        convs.add(w.conv(names.dense(b, r, c), features + (c - 1) * growth, c == 5 ? features : growth));
                    }
                    Conv plus = keys.contains(names.plus(b, r) + ".weight") ? w.conv(names.plus(b, r), features, growth) : null;
                    dense.add(new RrdbNet.DenseBlock(convs, plus));
                }
                blocks.add(new RrdbNet.Rrdb(dense));
            }
            Conv body = w.conv(names.body, features, features);
            List<Conv> upsampling = new ArrayList<>();
            for (String up : names.upsampling) upsampling.add(w.conv(up, features, features));
            Conv hr = w.conv(names.hr, features, features);
            Conv last = w.conv(names.last, features, outChannels);

            int shuffle = inChannels == outChannels * 4 ? 2 : inChannels == outChannels * 16 ? 4 : 0;
            int networkScale = 1 << names.upsampling.size();
            int scale = shuffle == 0 ? networkScale : networkScale / shuffle;
            if (scale < 1) {
                throw new IllegalArgumentException("a pixel-unshuffle factor of " + shuffle + " with " + networkScale
                        + "x upsampling gives no valid scale");
            }
            RrdbNet net = new RrdbNet(first, blocks, body, upsampling, hr, last, shuffle, networkScale);
            String description = (isPlus(keys) ? "ESRGAN+, " : "") + layout.label + ", " + names.blocks + " blocks, " + features + " features, x" + scale
                    + (shuffle == 0 ? "" : " (pixel unshuffle " + shuffle + ")");
            return new UpscaleModel("ESRGAN", description, scale, (int) (inChannels / Math.max(1, shuffle * shuffle)),
                    (int) outChannels, 2, shuffle == 0 ? 1 : 4, device, net);
        } catch (RuntimeException e) {
            w.discard();
            throw e;
        }
    }

    /** The prefixes of the modules in one layout. */
    private record Names(Layout layout, String first, int blocks, String body, List<String> upsampling, String hr, String last) {
        String dense(int block, int rdb, int conv) {
            return switch (layout) {
                case OLD -> "model.1.sub." + block + ".RDB" + rdb + ".conv" + conv + ".0";
                case NEW -> "body." + block + ".rdb" + rdb + ".conv" + conv;
                case BSRGAN -> "RRDB_trunk." + block + ".RDB" + rdb + ".conv" + conv;
            };
        }

        /** ESRGAN+'s 1x1 convolution of a dense block (a bare Conv2d, so no {@code .0} in the old layout). */
        String plus(int block, int rdb) {
            return switch (layout) {
                case OLD -> "model.1.sub." + block + ".RDB" + rdb + ".conv1x1";
                case NEW -> "body." + block + ".rdb" + rdb + ".conv1x1";
                case BSRGAN -> "RRDB_trunk." + block + ".RDB" + rdb + ".conv1x1";
            };
        }
    }

    private static Names names(Layout layout, Set<String> keys) {
        if (layout == Layout.OLD) {
            // model.0 conv, model.1 shortcut(blocks + conv), [model.3k upsample conv] * n, model.3n+2 hr conv, model.3n+4 last
            int length = sequenceLength(keys, "model");
            if (length < 5 || (length - 5) % 3 != 0) {
                throw new IllegalArgumentException("the 'model.N' sequence has " + length + " entries, which is no ESRGAN layout");
            }
            int n = (length - 5) / 3;
            int blocks = sequenceLength(keys, "model.1.sub") - 1;
            List<String> up = new ArrayList<>();
            for (int i = 1; i <= n; i++) up.add("model." + 3 * i);
            return new Names(layout, "model.0", blocks, "model.1.sub." + blocks, up, "model." + (3 * n + 2), "model." + (3 * n + 4));
        }
        Pattern blockPattern = layout == Layout.NEW ? NEW_BLOCK : BSRGAN_BLOCK;
        int blocks = 0, upsamplings = 0;
        String upName = null;
        for (String k : keys) {
            Matcher m = blockPattern.matcher(k);
            if (m.matches()) blocks = Math.max(blocks, Integer.parseInt(m.group(1)) + 1);
            Matcher u = UPCONV.matcher(k);
            if (u.matches()) {
                upsamplings = Math.max(upsamplings, Integer.parseInt(u.group(2)));
                upName = u.group(1);
            }
        }
        List<String> up = new ArrayList<>();
        for (int i = 1; i <= upsamplings; i++) up.add(upName + i);
        return layout == Layout.NEW
                ? new Names(layout, "conv_first", blocks, "conv_body", up, keys.contains("conv_hr.weight") ? "conv_hr" : "HRconv", "conv_last")
                : new Names(layout, "conv_first", blocks, "trunk_conv", up, keys.contains("HRconv.weight") ? "HRconv" : "conv_hr", "conv_last");
    }

    /** spandrel's {@code get_seq_len}: one more than the largest {@code i} of the keys {@code prefix.i.*}. */
    static int sequenceLength(Set<String> keys, String prefix) {
        String p = prefix + ".";
        int max = -1;
        for (String k : keys) {
            if (!k.startsWith(p)) continue;
            String rest = k.substring(p.length());
            int dot = rest.indexOf('.');
            String index = dot < 0 ? rest : rest.substring(0, dot);
            if (!index.isEmpty() && index.chars().allMatch(Character::isDigit) && index.length() < 9) {
                max = Math.max(max, Integer.parseInt(index));
            }
        }
        return max + 1;
    }
}
