package dev.comfy4j.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.json.Json;
import dev.comfy4j.workflow.RunHandle;
import dev.comfy4j.workflow.RunListener;
import dev.comfy4j.workflow.RunResult;
import dev.comfy4j.workflow.Workflow;
import dev.comfy4j.workflow.WorkflowException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * A client for a remote comfy4j or ComfyUI server, on the JDK's HTTP and WebSocket clients: submit a
 * workflow and follow it over {@code /ws}, fetch its outputs through {@code /history} and
 * {@code /view}, upload images, read and edit the queue and history, interrupt.
 *
 * <pre>{@code
 * try (ComfyClient client = ComfyClient.connect(URI.create("http://127.0.0.1:8188"))) {
 *     RunResult result = client.submit(workflowJson, RunListener.NONE).await();
 * }
 * }</pre>
 *
 * <p>Thread-safe. One WebSocket (one {@code clientId}) per client carries the events of every run it
 * submits; each run's events go to that run's listener.
 */
public final class ComfyClient implements AutoCloseable {
    private final URI base;
    private final HttpClient http;
    private final String clientId = UUID.randomUUID().toString();
    private final EventSocket events;

    private ComfyClient(URI base, HttpClient http) throws IOException, InterruptedException {
        this.base = base;
        this.http = http;
        this.events = EventSocket.open(http, base, clientId);
    }

    /** Connects to the server at {@code base} (e.g. {@code http://127.0.0.1:8188}), opening its WebSocket. */
    public static ComfyClient connect(URI base) throws IOException, InterruptedException {
        String s = base.toString();
        URI normalised = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
        return new ComfyClient(normalised, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build());
    }

    /** The client id sent with every prompt (the {@code clientId} of the WebSocket). */
    public String clientId() {
        return clientId;
    }

    /** {@code GET /object_info}. */
    public JsonNode objectInfo() throws IOException, InterruptedException {
        return getJson("/object_info");
    }

    /** A workflow checked against the server's nodes and model files. */
    public Workflow newWorkflow() throws IOException, InterruptedException {
        return Workflow.against(objectInfo());
    }

    /**
     * Posts {@code prompt} ({@code POST /prompt} with this client's id) and follows it: the handle
     * completes with the history's outputs when the server reports success, or with a
     * {@link WorkflowException} (refused by validation, failed, interrupted).
     */
    public RunHandle submit(JsonNode prompt, RunListener listener) throws IOException, InterruptedException {
        ObjectNode body = Json.object();
        body.set("prompt", prompt);
        body.put("client_id", clientId);
        PendingRun run = new PendingRun(this);
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/prompt"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(Json.write(body))));
        JsonNode answer = parse(response.body());
        if (response.statusCode() != 200) {
            String message = answer.path("error").path("message").asText("HTTP " + response.statusCode());
            run.fail(new WorkflowException(WorkflowException.Kind.REJECTED, "the workflow is not valid: " + message, answer));
            return run;
        }
        String promptId = answer.path("prompt_id").asText();
        run.started(promptId);
        events.follow(promptId, run, listener); // replays what arrived before the answer
        return run;
    }

    public RunHandle submit(Workflow workflow, RunListener listener) throws IOException, InterruptedException {
        return submit(workflow.toPrompt(), listener);
    }

    public RunHandle submit(String workflowJson, RunListener listener) throws IOException, InterruptedException {
        return submit(parse(workflowJson), listener);
    }

    /** {@code GET /history/{id}}: the entry, or a missing node when the server has none. */
    public JsonNode history(String promptId) throws IOException, InterruptedException {
        return getJson("/history/" + URLEncoder.encode(promptId, StandardCharsets.UTF_8)).path(promptId);
    }

    /** {@code GET /queue}: {@code queue_running} and {@code queue_pending}. */
    public JsonNode queue() throws IOException, InterruptedException {
        return getJson("/queue");
    }

    /** {@code POST /queue} with {@code delete}: drops pending prompts. */
    public void deleteFromQueue(List<String> promptIds) throws IOException, InterruptedException {
        ObjectNode body = Json.object();
        promptIds.forEach(body.putArray("delete")::add);
        postJson("/queue", body);
    }

    /** {@code POST /interrupt} for one prompt (ComfyUI ignores it unless that prompt is running). */
    public void interrupt(String promptId) throws IOException, InterruptedException {
        postJson("/interrupt", Json.object().put("prompt_id", promptId));
    }

    /** {@code GET /view}: an output, input or temp file's bytes. */
    public byte[] view(String filename, String subfolder, String type) throws IOException, InterruptedException {
        String query = "filename=" + enc(filename) + "&subfolder=" + enc(subfolder) + "&type=" + enc(type);
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(uri("/view?" + query)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) throw new IOException("GET /view of " + filename + ": HTTP " + response.statusCode());
        return response.body();
    }

    /** {@code POST /upload/image}: stores an image in the server's input folder; returns {@code {name, subfolder, type}}. */
    public JsonNode uploadImage(byte[] image, String filename, boolean overwrite) throws IOException, InterruptedException {
        Multipart form = new Multipart().file("image", filename, image).field("overwrite", Boolean.toString(overwrite));
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/upload/image"))
                .header("Content-Type", form.contentType()).POST(form.publisher()));
        if (response.statusCode() != 200) throw new IOException("POST /upload/image: HTTP " + response.statusCode() + " " + response.body());
        return parse(response.body());
    }

    /** The finished run's outputs, read from the history. */
    RunResult result(String promptId) throws IOException, InterruptedException {
        JsonNode entry = history(promptId);
        return new RunResult(promptId, entry.path("outputs"), (filename, subfolder, type) -> {
            try {
                return view(filename, subfolder, type);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        });
    }

    private JsonNode getJson(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri(path)).GET());
        if (response.statusCode() != 200) throw new IOException("GET " + path + ": HTTP " + response.statusCode());
        return parse(response.body());
    }

    private void postJson(String path, JsonNode body) throws IOException, InterruptedException {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(Json.write(body))));
        if (response.statusCode() != 200) throw new IOException("POST " + path + ": HTTP " + response.statusCode() + " " + response.body());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofMinutes(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create(base + path);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8);
    }

    private static JsonNode parse(String json) throws IOException {
        try {
            return Json.parse(json);
        } catch (Exception e) {
            throw new IOException("not JSON: " + (json.length() > 200 ? json.substring(0, 200) + "..." : json), e);
        }
    }

    @Override
    public void close() {
        events.close();
        http.close();
    }
}
