package dev.comfy4j.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.embed.EmbeddedComfy;
import dev.comfy4j.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The workflow builder against a real engine's node declarations (no model needed). */
class WorkflowTest {
    @TempDir static Path base;
    private static JsonNode objectInfo;

    @BeforeAll
    static void declarations() throws Exception {
        Files.createDirectories(base.resolve("models/checkpoints"));
        Files.write(base.resolve("models/checkpoints/model.safetensors"), new byte[16]);
        try (EmbeddedComfy comfy = EmbeddedComfy.builder(base).build()) {
            objectInfo = comfy.objectInfo();
        }
    }

    @Test
    void buildsTheApiFormatWithLinksAsIdAndOutputIndex() throws Exception {
        Workflow w = Workflow.against(objectInfo);
        Workflow.Node ckpt = w.add("CheckpointLoaderSimple").set("ckpt_name", "model.safetensors");
        Workflow.Node text = w.add("CLIPTextEncode").set("text", "a lighthouse").connect("clip", ckpt.out("CLIP"));
        Workflow.Node latent = w.add("EmptyLatentImage").set("width", 64).set("height", 64).set("batch_size", 1);
        w.add("KSampler").connect("model", ckpt.out(0)).connect("positive", text.out(0)).connect("negative", text.out(0))
                .connect("latent_image", latent.out(0)).set("seed", 42L).set("steps", 2).set("cfg", 7.5)
                .set("sampler_name", "euler").set("scheduler", "normal").set("denoise", 1.0);
        assertThat(w.toPrompt()).isEqualTo(Json.parse("""
                {"1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "model.safetensors"}},
                 "2": {"class_type": "CLIPTextEncode", "inputs": {"text": "a lighthouse", "clip": ["1", 1]}},
                 "3": {"class_type": "EmptyLatentImage", "inputs": {"width": 64, "height": 64, "batch_size": 1}},
                 "4": {"class_type": "KSampler", "inputs": {"model": ["1", 0], "positive": ["2", 0], "negative": ["2", 0],
                       "latent_image": ["3", 0], "seed": 42, "steps": 2, "cfg": 7.5, "sampler_name": "euler",
                       "scheduler": "normal", "denoise": 1.0}}}"""));
    }

    @Test
    void refusesWhatTheDeclarationsDoNotAllow() {
        Workflow w = Workflow.against(objectInfo);
        assertThatThrownBy(() -> w.add("NoSuchNode")).hasMessageContaining("no node class 'NoSuchNode'");
        Workflow.Node latent = w.add("EmptyLatentImage");
        assertThatThrownBy(() -> latent.set("widht", 64)).hasMessageContaining("EmptyLatentImage has no input 'widht'")
                .hasMessageContaining("width");
        assertThatThrownBy(() -> latent.set("width", 8)).hasMessageContaining("below its minimum 16");
        assertThatThrownBy(() -> latent.set("width", "64")).hasMessageContaining("takes an integer");
        assertThatThrownBy(() -> latent.set("width", 64.0)).hasMessageContaining("takes an integer");
        Workflow.Node sampler = w.add("KSampler");
        assertThatThrownBy(() -> sampler.set("sampler_name", "eular")).hasMessageContaining("must be one of")
                .hasMessageContaining("euler");
        assertThatThrownBy(() -> sampler.set("cfg", Double.NaN)).hasMessageContaining("finite");
        assertThatThrownBy(() -> sampler.connect("model", latent.out(0))).hasMessageContaining("KSampler.model takes MODEL, not LATENT");
        assertThatThrownBy(() -> sampler.set("model", "x")).hasMessageContaining("takes a MODEL from another node");
        assertThatThrownBy(() -> latent.out(1)).hasMessageContaining("has 1 outputs, no output 1");
        assertThatThrownBy(() -> w.add("CheckpointLoaderSimple").set("ckpt_name", "missing.safetensors"))
                .hasMessageContaining("must be one of [model.safetensors]");
        Workflow other = Workflow.against(objectInfo);
        Workflow.Node elsewhere = other.add("EmptyLatentImage");
        assertThatThrownBy(() -> sampler.connect("latent_image", elsewhere.out(0))).hasMessageContaining("belongs to another workflow");
        w.add("9", "KSampler");
        assertThatThrownBy(() -> w.add("9", "KSampler")).hasMessageContaining("node id 9 is already used");
    }

    @Test
    void unsetRequiredWidgetsTakeTheirDeclaredDefaults() {
        Workflow w = Workflow.against(objectInfo);
        w.add("EmptyLatentImage").set("width", 64);
        assertThat(w.toPrompt().get("1").get("inputs").toString()).isEqualTo("{\"width\":64,\"height\":512,\"batch_size\":1}");
    }

    @Test
    void aWildcardInputTakesAnyOutput() {
        Workflow w = Workflow.against(objectInfo);
        Workflow.Node latent = w.add("EmptyLatentImage");
        w.add("PreviewAny").connect("source", latent.out(0));
        assertThat(w.toPrompt().get("2").get("inputs").get("source").toString()).isEqualTo("[\"1\",0]");
    }
}
