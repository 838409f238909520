package dev.comfy4j.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.embed.EmbeddedComfy;
import dev.comfy4j.engine.SharedFiles;
import dev.comfy4j.nodes.model.ModelFolder;
import dev.comfy4j.support.PixelDifference;
import dev.comfy4j.support.TestServer;
import dev.comfy4j.workflow.RunHandle;
import dev.comfy4j.workflow.RunListener;
import dev.comfy4j.workflow.RunResult;
import dev.comfy4j.workflow.Workflow;
import dev.comfy4j.workflow.WorkflowException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library API on the random SD1.5 checkpoint: ComfyUI's recorded default workflow gives the same
 * image embedded and through the remote client against a real comfy4j server, both equal to ComfyUI's
 * PNG within 1 level; runs are cancelled mid-sampling and while queued; uploads, queue and history.
 */
class EmbeddedAndRemoteGoldenTest {
    @TempDir static Path base;
    private static TestServer server;
    private static EmbeddedComfy embedded;
    private static ComfyClient client;
    private static ObjectNode defaultWorkflow;

    @BeforeAll
    static void start() throws Exception {
        JsonNode recorded = SharedFiles.json("golden/comfyui/history_entry_t2i_64x64.json");
        defaultWorkflow = (ObjectNode) recorded.elements().next().get("prompt").get(2);
        server = TestServer.start(TestServer.config(ModelFolder.layOut(base.resolve("server"))));
        embedded = EmbeddedComfy.builder(ModelFolder.layOut(base.resolve("embedded"))).build();
        client = ComfyClient.connect(URI.create(server.url("")));
    }

    @AfterAll
    static void stop() {
        if (client != null) client.close();
        if (embedded != null) embedded.close();
        if (server != null) server.close();
    }

    @Test
    void embeddedAndRemoteGiveComfyUIsImage() throws Exception {
        AtomicInteger remoteProgress = new AtomicInteger();
        RunResult remote = client.submit(defaultWorkflow, new RunListener() {
            @Override
            public void progress(String nodeId, int value, int max) {
                remoteProgress.incrementAndGet();
            }
        }).await();
        RunResult local = embedded.submit(defaultWorkflow, RunListener.NONE).await();
        BufferedImage theirs = ImageIO.read(SharedFiles.require("golden/comfyui/t2i_64x64_seed42.png").toFile());
        BufferedImage remoteImage = remote.images().getFirst().image();
        BufferedImage localImage = local.images().getFirst().image();
        assertThat(PixelDifference.largest(localImage, remoteImage)).as("embedded vs remote").isZero();
        assertThat(PixelDifference.largest(localImage, theirs)).as("embedded vs ComfyUI").isLessThanOrEqualTo(1);
        assertThat(remoteProgress.get()).as("progress events of the 4 steps").isGreaterThanOrEqualTo(4);
        assertThat(client.history(remote.promptId()).path("status").path("status_str").asText()).isEqualTo("success");
    }

    @Test
    void aRunIsCancelledMidSamplingEmbeddedAndRemote() throws Exception {
        JsonNode longRun = withSteps(200);
        AtomicReference<RunHandle> local = new AtomicReference<>();
        local.set(embedded.submit(longRun, cancelAtStep2(local)));
        assertInterrupted(local.get());
        AtomicReference<RunHandle> remote = new AtomicReference<>();
        remote.set(client.submit(longRun, cancelAtStep2(remote)));
        assertInterrupted(remote.get());
        assertThat(client.history(remote.get().promptId()).path("status").path("status_str").asText()).isEqualTo("error");
    }

    /** Cancels the run at its second step, off the listener's thread (the remote cancel makes HTTP calls). */
    private static RunListener cancelAtStep2(AtomicReference<RunHandle> run) {
        return new RunListener() {
            @Override
            public void progress(String nodeId, int value, int max) {
                if (value != 2) return;
                Thread.startVirtualThread(() -> {
                    while (run.get() == null) Thread.onSpinWait();
                    run.get().cancel();
                });
            }
        };
    }

    @Test
    void aQueuedRemoteRunIsDeletedFromTheQueueWhenCancelled() throws Exception {
        RunHandle first = client.submit(withSteps(200), RunListener.NONE);
        RunHandle second = client.submit(withSteps(3), RunListener.NONE);
        JsonNode pending = client.queue().path("queue_pending");
        assertThat(pending.toString()).contains(second.promptId());
        second.cancel();
        assertInterrupted(second);
        assertThat(client.queue().path("queue_pending").toString()).doesNotContain(second.promptId());
        first.cancel();
        assertInterrupted(first);
    }

    @Test
    void anUploadedImageIsUsedByAWorkflowBuiltAgainstTheServer() throws Exception {
        BufferedImage picture = new BufferedImage(24, 16, BufferedImage.TYPE_INT_RGB);
        picture.setRGB(5, 5, 0x336699);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(picture, "png", png);
        JsonNode uploaded = client.uploadImage(png.toByteArray(), "library-upload.png", true);
        assertThat(uploaded.path("name").asText()).isEqualTo("library-upload.png");
        Workflow w = client.newWorkflow();
        Workflow.Node load = w.add("LoadImage").set("image", "library-upload.png");
        w.add("SaveImage").connect("images", load.out("IMAGE")).set("filename_prefix", "roundtrip");
        BufferedImage back = client.submit(w, RunListener.NONE).await().images().getFirst().image();
        assertThat(back.getWidth()).isEqualTo(24);
        assertThat(back.getRGB(5, 5) & 0xffffff).isEqualTo(0x336699);
        assertThatThrownBy(() -> client.submit("{\"1\": {\"class_type\": \"Nope\", \"inputs\": {}}}", RunListener.NONE).await())
                .isInstanceOfSatisfying(WorkflowException.class, e -> {
                    assertThat(e.kind()).isEqualTo(WorkflowException.Kind.REJECTED);
                    assertThat(e.details().path("error").path("type").asText()).isEqualTo("invalid_prompt");
                });
    }

    private static JsonNode withSteps(int steps) {
        ObjectNode prompt = defaultWorkflow.deepCopy();
        prompt.forEach(node -> {
            if (node.path("class_type").asText().equals("KSampler")) ((ObjectNode) node.get("inputs")).put("steps", steps);
        });
        return prompt;
    }


    private static void assertInterrupted(RunHandle run) {
        assertThatThrownBy(run::await).isInstanceOfSatisfying(WorkflowException.class,
                e -> assertThat(e.kind()).isEqualTo(WorkflowException.Kind.INTERRUPTED));
    }
}
