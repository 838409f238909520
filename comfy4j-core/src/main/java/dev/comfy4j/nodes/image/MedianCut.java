package dev.comfy4j.nodes.image;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Pillow 9.4's median-cut palette ({@code Image.quantize(colors)} on an RGB image, libImaging's
 * Quant.c without k-means). Distinct colours are counted (dropping low bits while there are more than
 * 65536 of them); boxes are taken from a max-heap on pixel count and split on the channel with the
 * largest luminance-weighted range (77 R, 150 G, 29 B) at the pixel-count median, equal values
 * staying together; boxes of one colour are not split again. The palette holds each box's mean
 * colour, rounded half up, in left-to-right order of the box tree.
 */
final class MedianCut {
    private static final int MAX_HASH_ENTRIES = 65536;

    private MedianCut() {}

    /** One distinct (scaled) colour with its pixel count. */
    private record Colour(int r, int g, int b, int count) {
        int channel(int axis) {
            return axis == 0 ? r : axis == 1 ? g : b;
        }

        int key() {
            return (r << 16) | (g << 8) | b;
        }
    }

    /** A box of the tree: its colours, its pixel count, and children once split. */
    private static final class Box {
        final List<Colour> colours;
        final int pixelCount;
        Box left, right;

        Box(List<Colour> colours, int pixelCount) {
            this.colours = colours;
            this.pixelCount = pixelCount;
        }

        int low(int axis) {
            int v = 255;
            for (Colour c : colours) v = Math.min(v, c.channel(axis));
            return v;
        }

        int high(int axis) {
            int v = 0;
            for (Colour c : colours) v = Math.max(v, c.channel(axis));
            return v;
        }

        int volume() {
            if (colours.isEmpty()) return 0;
            return (high(0) - low(0) + 1) * (high(1) - low(1) + 1) * (high(2) - low(2) + 1);
        }
    }

    /**
     * @param rgb packed 0xRRGGBB pixels
     * @return the palette as packed 0xRRGGBB, at most {@code colors} entries
     */
    static int[] palette(int[] rgb, int colors) {
        int scale = 0;
        Map<Integer, Integer> counts = count(rgb, scale);
        while (counts.size() > MAX_HASH_ENTRIES) counts = count(rgb, ++scale);
        List<Colour> all = new ArrayList<>();
        for (Map.Entry<Integer, Integer> e : counts.entrySet()) {
            int k = e.getKey();
            all.add(new Colour(k >> 16, (k >> 8) & 0xff, k & 0xff, e.getValue()));
        }
        Box root = new Box(all, rgb.length);
        BoxHeap heap = new BoxHeap();
        heap.add(root);
        for (int splits = colors - 1; splits > 0; splits--) {
            Box box;
            do {
                box = heap.remove();
                if (box == null) break;
            } while (box.volume() == 1);
            if (box == null) break;
            split(box);
            heap.add(box.left);
            heap.add(box.right);
        }
        List<Box> leaves = new ArrayList<>();
        collectLeaves(root, leaves);
        Map<Integer, Integer> boxOf = new HashMap<>();
        for (int i = 0; i < leaves.size(); i++) for (Colour c : leaves.get(i).colours) boxOf.put(c.key(), i);
        long[][] sums = new long[leaves.size()][3];
        long[] n = new long[leaves.size()];
        for (int p : rgb) {
            int i = boxOf.get(scaledKey(p, scale));
            sums[i][0] += (p >> 16) & 0xff;
            sums[i][1] += (p >> 8) & 0xff;
            sums[i][2] += p & 0xff;
            n[i]++;
        }
        int[] palette = new int[leaves.size()];
        for (int i = 0; i < palette.length; i++) {
            int r = (int) (.5 + (double) sums[i][0] / (double) n[i]);
            int g = (int) (.5 + (double) sums[i][1] / (double) n[i]);
            int b = (int) (.5 + (double) sums[i][2] / (double) n[i]);
            palette[i] = (r << 16) | (g << 8) | b;
        }
        return palette;
    }

    private static int scaledKey(int p, int scale) {
        return ((((p >> 16) & 0xff) >> scale) << 16) | ((((p >> 8) & 0xff) >> scale) << 8) | ((p & 0xff) >> scale);
    }

    private static Map<Integer, Integer> count(int[] rgb, int scale) {
        Map<Integer, Integer> counts = new HashMap<>();
        for (int p : rgb) counts.merge(scaledKey(p, scale), 1, Integer::sum);
        return counts;
    }

    private static void collectLeaves(Box box, List<Box> out) {
        if (box.left != null) {
            collectLeaves(box.left, out);
            collectLeaves(box.right, out);
        } else if (!box.colours.isEmpty()) {
            out.add(box);
        }
    }

    /** Quant.c's split and splitlists: the heavier half by count goes left, ties of value stay together. */
    private static void split(Box box) {
        int[] f = {(box.high(0) - box.low(0)) * 77, (box.high(1) - box.low(1)) * 150, (box.high(2) - box.low(2)) * 29};
        int axis = 0;
        for (int i = 1; i < 3; i++) if (f[axis] < f[i]) axis = i;
        final int a = axis;
        List<Colour> sorted = new ArrayList<>(box.colours);
        sorted.sort(Comparator.comparingInt((Colour c) -> c.channel(a)).reversed());
        long left = 0;
        int cut = 0;
        while (cut < sorted.size()) {
            left += sorted.get(cut).count();
            cut++;
            if (left * 2 > box.pixelCount) break;
        }
        if (cut < sorted.size()) {
            int value = sorted.get(cut - 1).channel(a);
            while (cut < sorted.size() && sorted.get(cut).channel(a) == value) cut++;
        }
        if (cut == sorted.size()) {
            int value = sorted.get(sorted.size() - 1).channel(a);
            while (cut > 0 && sorted.get(cut - 1).channel(a) == value) cut--;
        }
        List<Colour> l = new ArrayList<>(sorted.subList(0, cut));
        List<Colour> r = new ArrayList<>(sorted.subList(cut, sorted.size()));
        box.left = new Box(l, sum(l));
        box.right = new Box(r, sum(r));
    }

    private static int sum(List<Colour> colours) {
        int s = 0;
        for (Colour c : colours) s += c.count();
        return s;
    }

    /** QuantHeap.c: a 1-based binary max-heap on pixel count, with its exact sift order (ties matter). */
    private static final class BoxHeap {
        private final List<Box> heap = new ArrayList<>(List.of(new Box(List.of(), 0)));
        private int count;

        private static int cmp(Box a, Box b) {
            return a.pixelCount - b.pixelCount;
        }

        void add(Box value) {
            heap.add(null);
            int k = ++count;
            while (k != 1) {
                if (cmp(value, heap.get(k / 2)) <= 0) break;
                heap.set(k, heap.get(k / 2));
                k >>= 1;
            }
            heap.set(k, value);
        }

        Box remove() {
            if (count == 0) return null;
            Box top = heap.get(1);
            Box v = heap.get(count--);
            int k = 1, l;
            for (; k * 2 <= count; k = l) {
                l = k * 2;
                if (l < count && cmp(heap.get(l), heap.get(l + 1)) < 0) l++;
                if (cmp(v, heap.get(l)) > 0) break;
                heap.set(k, heap.get(l));
            }
            heap.set(k, v);
            heap.remove(heap.size() - 1);
            return top;
        }
    }
}
