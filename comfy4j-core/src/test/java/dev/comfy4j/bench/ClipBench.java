package dev.comfy4j.bench;

import dev.comfy4j.model.ModelFiles;
import dev.comfy4j.model.StateDict;
import dev.comfy4j.model.clip.Clip;
import dev.comfy4j.model.clip.ClipTextModel;
import dev.comfy4j.model.clip.ClipTokenizer;
import dev.comfy4j.model.clip.Sd1Tokenizer;
import dev.comfy4j.model.clip.TokenizedPrompt;
import dev.comfy4j.support.TestCheckpoints;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import dev.comfy4j.tensor.TorchRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * CLIP text encoding of one prompt on the SD1.5 checkpoint (CLIP-L, fp16 weights memory-mapped and
 * cast per layer): tokenizer load, model set-up, tokenize, one-chunk encode (the default positive
 * prompt, no weights) and a weighted encode (which adds the empty prompt to the batch), then the cost
 * of the per-encode fp16 to fp32 casts alone, and RSS / peak RSS.
 *
 * <p>Usage: ClipBench [TOKENIZER_DIR [CHECKPOINT [RUNS]]]; defaults: ../shared/data/clip-vit-l-14-tokenizer,
 * the test checkpoint location ({@link TestCheckpoints#sd15Location()}), 10 runs.
 */
public final class ClipBench {
    private ClipBench() {}

    public static void main(String[] args) throws Exception {
        Path tokenizerDir = Path.of(args.length > 0 ? args[0] : "../shared/data/clip-vit-l-14-tokenizer");
        Path checkpoint = args.length > 1 ? Path.of(args[1]) : TestCheckpoints.sd15Location();
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        if (!Files.isRegularFile(checkpoint)) throw new IllegalArgumentException("no checkpoint at " + checkpoint);
        TorchRuntime.ensureStarted();
        System.out.printf("RSS at start %d MB%n", BenchProcess.rssMb());

        long t0 = System.nanoTime();
        ClipTokenizer bpe = ClipTokenizer.load(tokenizerDir.resolve("vocab.json"), tokenizerDir.resolve("merges.txt"));
        long t1 = System.nanoTime();
        System.out.printf("tokenizer load: %.0f ms%n", (t1 - t0) / 1e6);

        try (StateDict sd = ModelFiles.loadStateDict(checkpoint); ClipTextModel model = ClipTextModel.fromStateDict(sd)) {
            long t2 = System.nanoTime();
            System.out.printf("checkpoint open + CLIP set-up: %.0f ms (%s)%n", (t2 - t1) / 1e6, model);
            Clip clip = new Clip(new Sd1Tokenizer(bpe, List.of()), model);
            String plain = "beautiful scenery nature glass bottle landscape, , purple galaxy bottle,";
            String weighted = "a (red:1.4) sports car on a ((wet)) road at night, (blurry:0.6), [neon]";

            long[] tok = new long[runs * 10];
            for (int i = 0; i < tok.length; i++) {
                long s = System.nanoTime();
                TokenizedPrompt ignored = clip.tokenize(plain + " " + i);
                tok[i] = System.nanoTime() - s;
            }
            report("tokenize (uncached words after the first)", tok);

            encodeOnce(clip, plain); // first touch of the mapped pages
            time("encode, 1 chunk, no weights (batch 1)", clip, plain, runs);
            time("encode, 1 chunk, weighted (batch 2 with the empty prompt)", clip, weighted, runs);
            time("encode at CLIPSetLastLayer(-2), 1 chunk", clip.withLastLayer(-2), plain, runs);
            report("fp16 -> fp32 casts of every layer weight alone", timeCasts(sd, runs));
        }
        System.out.printf("RSS at end %d MB; peak RSS (VmHWM) %d MB%n", BenchProcess.rssMb(), BenchProcess.peakRssMb());
    }

    private static void time(String label, Clip clip, String prompt, int runs) throws Exception {
        long[] out = new long[runs];
        long[] cpu = new long[runs];
        for (int i = 0; i < runs; i++) {
            long c = BenchProcess.processCpuNanos();
            long s = System.nanoTime();
            encodeOnce(clip, prompt);
            out[i] = System.nanoTime() - s;
            cpu[i] = BenchProcess.processCpuNanos() - c;
        }
        report(label + ", wall", out);
        report(label + ", CPU", cpu);
    }

    private static void encodeOnce(Clip clip, String prompt) {
        try (TensorScope ignored = TensorScope.open()) {
            clip.encode(prompt);
        }
    }

    private static long[] timeCasts(StateDict sd, int runs) throws Exception {
        List<Tensor> weights = sd.tensors().entrySet().stream()
                .filter(e -> e.getKey().startsWith(ClipTextModel.CHECKPOINT_PREFIX + "encoder.") || e.getKey().contains("final_layer_norm"))
                .map(java.util.Map.Entry::getValue).toList();
        long[] out = new long[runs];
        for (int i = 0; i < runs; i++) {
            long s = System.nanoTime();
            for (Tensor w : weights) {
                try (TensorScope ignored = TensorScope.open()) {
                    w.to(DType.F32);
                }
            }
            out[i] = System.nanoTime() - s;
        }
        return out;
    }

    private static void report(String what, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf("%-70s median %8.2f ms  best %8.2f ms  (%d runs)%n", what, sorted[sorted.length / 2] / 1e6, sorted[0] / 1e6, sorted.length);
    }
}
