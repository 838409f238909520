package example;

import dev.comfy4j.client.ComfyClient;
import dev.comfy4j.workflow.RunListener;
import dev.comfy4j.workflow.Workflow;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/** Text to image on a comfy4j or ComfyUI server: java example.RemoteTextToImage http://127.0.0.1:8188 CHECKPOINT "a prompt" OUT.png */
public final class RemoteTextToImage {
    public static void main(String[] args) throws Exception {
        try (ComfyClient comfy = ComfyClient.connect(URI.create(args[0]))) {
            Workflow w = comfy.newWorkflow();
            var model = w.add("CheckpointLoaderSimple").set("ckpt_name", args[1]);
            var positive = w.add("CLIPTextEncode").set("text", args[2]).connect("clip", model.out("CLIP"));
            var negative = w.add("CLIPTextEncode").set("text", "text, watermark").connect("clip", model.out("CLIP"));
            var latent = w.add("EmptyLatentImage").set("width", 64).set("height", 64);
            var samples = w.add("KSampler").connect("model", model.out("MODEL")).connect("positive", positive.out(0))
                    .connect("negative", negative.out(0)).connect("latent_image", latent.out(0))
                    .set("seed", 42).set("steps", 4).set("cfg", 8.0).set("sampler_name", "euler").set("scheduler", "normal");
            var image = w.add("VAEDecode").connect("samples", samples.out(0)).connect("vae", model.out("VAE"));
            w.add("SaveImage").connect("images", image.out(0)).set("filename_prefix", "example");
            RunListener progress = new RunListener() {
                @Override
                public void progress(String node, int value, int max) {
                    System.out.printf("node %s: %d/%d%n", node, value, max);
                }
            };
            Files.write(Path.of(args[3]), comfy.submit(w, progress).await().images().getFirst().bytes());
        }
    }
}
