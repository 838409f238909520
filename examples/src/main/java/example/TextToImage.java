package example;

import dev.comfy4j.embed.EmbeddedComfy;
import dev.comfy4j.workflow.Workflow;
import java.nio.file.Files;
import java.nio.file.Path;

/** Text to image inside this JVM: java example.TextToImage BASE_DIR CHECKPOINT "a prompt" OUT.png */
public final class TextToImage {
    public static void main(String[] args) throws Exception {
        try (EmbeddedComfy comfy = EmbeddedComfy.builder(Path.of(args[0])).build()) {
            Workflow w = textToImage(comfy.newWorkflow(), args[1], args[2]);
            Files.write(Path.of(args[3]), comfy.run(w).images().getFirst().bytes());
        }
    }

    /** ComfyUI's default workflow at 64x64, 4 steps: the same builder serves embedded and remote runs. */
    static Workflow textToImage(Workflow w, String checkpoint, String prompt) {
        var model = w.add("CheckpointLoaderSimple").set("ckpt_name", checkpoint);
        var positive = w.add("CLIPTextEncode").set("text", prompt).connect("clip", model.out("CLIP"));
        var negative = w.add("CLIPTextEncode").set("text", "text, watermark").connect("clip", model.out("CLIP"));
        var latent = w.add("EmptyLatentImage").set("width", 64).set("height", 64);
        var samples = w.add("KSampler").connect("model", model.out("MODEL")).connect("positive", positive.out(0))
                .connect("negative", negative.out(0)).connect("latent_image", latent.out(0))
                .set("seed", 42).set("steps", 4).set("cfg", 8.0).set("sampler_name", "euler").set("scheduler", "normal");
        var image = w.add("VAEDecode").connect("samples", samples.out(0)).connect("vae", model.out("VAE"));
        w.add("SaveImage").connect("images", image.out(0)).set("filename_prefix", "example");
        return w;
    }
}
