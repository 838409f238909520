package dev.comfy4j.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.comfy4j.workflow.RunHandle;
import dev.comfy4j.workflow.RunListener;
import dev.comfy4j.workflow.RunResult;
import dev.comfy4j.workflow.Workflow;
import dev.comfy4j.workflow.WorkflowException;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded engine on model-free workflows: outputs, failures in ComfyUI's terms, threads, caches. */
class EmbeddedComfyTest {
    @TempDir Path base;

    /** EmptyImage of a colour, inverted, saved; and a text shown by PreviewAny. */
    private static Workflow picture(EmbeddedComfy comfy, int width, int color) {
        Workflow w = comfy.newWorkflow();
        Workflow.Node empty = w.add("EmptyImage").set("width", width).set("height", 8).set("batch_size", 1).set("color", color);
        Workflow.Node inverted = w.add("ImageInvert").connect("image", empty.out(0));
        w.add("SaveImage").connect("images", inverted.out(0)).set("filename_prefix", "embedded");
        Workflow.Node text = w.add("StringConcatenate").set("string_a", "w=").set("string_b", Integer.toString(width)).set("delimiter", "");
        w.add("PreviewAny").connect("source", text.out(0));
        return w;
    }

    @Test
    void runsAWorkflowAndReadsItsImagesAndText() throws Exception {
        try (EmbeddedComfy comfy = EmbeddedComfy.builder(base).build()) {
            List<String> events = Collections.synchronizedList(new ArrayList<>());
            RunResult result = comfy.submit(picture(comfy, 16, 0x102030), new RunListener() {
                @Override
                public void event(String type, com.fasterxml.jackson.databind.JsonNode data) {
                    events.add(type);
                }
            }).await();
            BufferedImage image = result.images().getFirst().image();
            assertThat(image.getWidth()).isEqualTo(16);
            assertThat(image.getHeight()).isEqualTo(8);
            assertThat(image.getRGB(3, 3) & 0xffffff).isEqualTo(0xffffff - 0x102030);
            assertThat(result.images().getFirst().filename()).matches("embedded_\\d{5}_\\.png");
            assertThat(Files.exists(base.resolve("output").resolve(result.images().getFirst().filename()))).isTrue();
            assertThat(result.text("5")).isEqualTo("w=16");
            assertThat(events).startsWith("execution_start", "execution_cached").contains("executed").endsWith("execution_success");
        }
    }

    @Test
    void aRejectedWorkflowCarriesComfyUIsNodeErrors() throws Exception {
        try (EmbeddedComfy comfy = EmbeddedComfy.builder(base).build()) {
            String json = """
                    {"1": {"class_type": "EmptyImage", "inputs": {"width": 0, "height": 8, "batch_size": 1, "color": 0}},
                     "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "x"}}}""";
            assertThatThrownBy(() -> comfy.run(json)).isInstanceOfSatisfying(WorkflowException.class, e -> {
                assertThat(e.kind()).isEqualTo(WorkflowException.Kind.REJECTED);
                assertThat(e.details().path("error").path("type").asText()).isEqualTo("prompt_outputs_failed_validation");
                assertThat(e.details().path("node_errors").path("1").path("errors").path(0).path("type").asText())
                        .isEqualTo("value_smaller_than_min");
            });
            assertThatThrownBy(() -> comfy.run("{not json")).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aNodeThatFailsEndsTheRunWithItsExecutionErrorAndTheEngineGoesOn() throws Exception {
        Files.createDirectories(base.resolve("models/checkpoints"));
        Files.write(base.resolve("models/checkpoints/broken.safetensors"), "not a safetensors file".getBytes());
        try (EmbeddedComfy comfy = EmbeddedComfy.builder(base).build()) {
            Workflow w = comfy.newWorkflow();
            Workflow.Node ckpt = w.add("CheckpointLoaderSimple").set("ckpt_name", "broken.safetensors");
            Workflow.Node latent = w.add("EmptyLatentImage");
            Workflow.Node text = w.add("CLIPTextEncode").set("text", "x").connect("clip", ckpt.out(1));
            Workflow.Node sampler = w.add("KSampler").connect("model", ckpt.out(0)).connect("positive", text.out(0)).connect("negative", text.out(0))
                    .connect("latent_image", latent.out(0)).set("seed", 1).set("steps", 1).set("cfg", 1.0)
                    .set("sampler_name", "euler").set("scheduler", "normal").set("denoise", 1.0);
            w.add("PreviewAny").connect("source", sampler.out(0));
            assertThatThrownBy(() -> comfy.run(w)).isInstanceOfSatisfying(WorkflowException.class, e -> {
                assertThat(e.kind()).isEqualTo(WorkflowException.Kind.FAILED);
                assertThat(e.details().path("node_type").asText()).isEqualTo("CheckpointLoaderSimple");
                assertThat(e.getMessage()).contains("broken.safetensors");
            });
            assertThat(comfy.run(picture(comfy, 8, 0)).images()).hasSize(1);
        }
    }

    @Test
    void twoEnginesRunInParallelWithTheirOwnCachesAndOutputFolders() throws Exception {
        try (EmbeddedComfy one = EmbeddedComfy.builder(base.resolve("one")).build();
                EmbeddedComfy two = EmbeddedComfy.builder(base.resolve("two")).build()) {
            List<CompletableFuture<RunResult>> runs = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                EmbeddedComfy comfy = i % 2 == 0 ? one : two;
                runs.add(comfy.submit(picture(comfy, 8 + i, 0x000001 * i), RunListener.NONE).result());
            }
            for (int i = 0; i < runs.size(); i++) {
                RunResult r = runs.get(i).join();
                assertThat(r.images().getFirst().image().getWidth()).isEqualTo(8 + i);
                assertThat(r.text("5")).isEqualTo("w=" + (8 + i));
            }
            assertThat(Files.list(base.resolve("one/output")).count()).isEqualTo(3);
            assertThat(Files.list(base.resolve("two/output")).count()).isEqualTo(3);
            // that engine's last workflow again: everything comes from its cache
            List<String> cached = Collections.synchronizedList(new ArrayList<>());
            one.submit(picture(one, 12, 4), new RunListener() {
                @Override
                public void event(String type, com.fasterxml.jackson.databind.JsonNode data) {
                    if (type.equals("execution_cached")) data.path("nodes").forEach(n -> cached.add(n.asText()));
                }
            }).await();
            assertThat(cached).contains("1", "2", "4");
        }
    }

    @Test
    void manyThreadsSubmitToOneEngineAndEachGetsItsOwnResult() throws Exception {
        try (EmbeddedComfy comfy = EmbeddedComfy.builder(base).build()) {
            List<Thread> threads = new ArrayList<>();
            List<String> problems = Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < 8; t++) {
                int width = 8 + t;
                threads.add(Thread.startVirtualThread(() -> {
                    try {
                        RunResult r = comfy.run(picture(comfy, width, width));
                        if (r.images().getFirst().image().getWidth() != width || !("w=" + width).equals(r.text("5"))) {
                            problems.add("width " + width + " got " + r.outputs());
                        }
                    } catch (Exception | AssertionError e) {
                        problems.add("width " + width + ": " + e);
                    }
                }));
            }
            for (Thread t : threads) t.join();
            assertThat(problems).isEmpty();
            assertThat(Files.list(base.resolve("output")).count()).isEqualTo(8);
        }
    }

    @Test
    void aQueuedRunCancelledBeforeItStartsNeverRuns() throws Exception {
        try (EmbeddedComfy comfy = EmbeddedComfy.builder(base).build()) {
            RunHandle first = comfy.submit(picture(comfy, 2048, 5), RunListener.NONE);
            RunHandle second = comfy.submit(picture(comfy, 9, 5), RunListener.NONE);
            second.cancel();
            first.await();
            assertThatThrownBy(second::await).isInstanceOfSatisfying(WorkflowException.class,
                    e -> assertThat(e.kind()).isEqualTo(WorkflowException.Kind.INTERRUPTED));
        }
    }
}
