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
            Workflow w = TextToImage.textToImage(comfy.newWorkflow(), args[1], args[2]);
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
