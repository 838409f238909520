package dev.comfy4j.server.routes;

import dev.comfy4j.jobs.JobQueue;
import java.nio.charset.StandardCharsets;

/**
 * The page {@code GET /} shows when no web editor is served: what comfy4j is, its version, the queue
 * (rendered on the server, then kept current by a small script), the one command that gets the editor,
 * and links to the API description and the main JSON routes.
 */
public final class HomePage {
    /** The editor release ComfyUI 0.3.64 pins, as a {@code --front-end-version} value. */
    public static final String EDITOR_FLAG = "--front-end-version Comfy-Org/ComfyUI_frontend@v" + SystemRoutes.REQUIRED_FRONTEND_VERSION;

    private final String version;
    private final JobQueue queue;
    private final String frontendNote;

    /**
     * @param queue null where the page is built without a queue (then it says the count is unknown)
     * @param frontendNote why a requested editor is not served (a failed download), or null
     */
    public HomePage(String version, JobQueue queue, String frontendNote) {
        this.version = version;
        this.queue = queue;
        this.frontendNote = frontendNote;
    }

    public byte[] render() {
        String running = "?";
        String pending = "?";
        if (queue != null) {
            running = String.valueOf(queue.running().size());
            pending = String.valueOf(queue.pending().size());
        }
        String note = frontendNote == null ? ""
                : "<p class=\"warn\"><strong>The requested editor is not available:</strong> " + escape(frontendNote) + "</p>\n";
        String html = """
                <!doctype html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>comfy4j %1$s</title>
                <link rel="icon" href="data:,">
                <style>
                body { font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #1d2330; }
                code, pre { font-family: ui-monospace, monospace; background: #eef1f6; border-radius: 4px; }
                pre { padding: .75rem 1rem; overflow-x: auto; }
                .warn { background: #fff4e0; border-left: 4px solid #e59a00; padding: .5rem .75rem; }
                table { border-collapse: collapse; } td { padding: .2rem 1rem .2rem 0; }
                </style>
                </head>
                <body>
                <h1>comfy4j <small id="version">%1$s</small></h1>
                <p>A ComfyUI-compatible workflow server for the JVM: the same HTTP and WebSocket API as ComfyUI %2$s,
                the same prompt format and node names. This server is running; no web editor is being served.</p>
                %3$s<h2>Queue</h2>
                <table>
                <tr><td>Running</td><td id="queue-running">%4$s</td></tr>
                <tr><td>Pending</td><td id="queue-pending">%5$s</td></tr>
                </table>
                <h2>Get the web editor</h2>
                <p>Start comfy4j with this flag; it downloads ComfyUI's editor once, keeps it under
                <code>web_custom_versions/</code> and serves it here:</p>
                <pre id="editor-command">bin/comfy4j %6$s</pre>
                <p>Or serve an editor you already have with <code>--front-end-root DIR</code>.</p>
                <h2>API</h2>
                <ul>
                <li><a href="/openapi.json">API description (OpenAPI)</a></li>
                <li><a href="/api/system_stats">/api/system_stats</a>, <a href="/api/queue">/api/queue</a>,
                <a href="/api/history">/api/history</a>, <a href="/api/object_info">/api/object_info</a></li>
                <li><a href="/templates/index.json">/templates/index.json</a>: the workflow templates comfy4j ships</li>
                <li>WebSocket: <code>/ws?clientId=ID</code>; queue a prompt with <code>POST /api/prompt</code></li>
                </ul>
                <script>
                async function refreshQueue() {
                  try {
                    const response = await fetch("/api/queue", { cache: "no-store" });
                    if (!response.ok) return;
                    const queue = await response.json();
                    document.getElementById("queue-running").textContent = queue.queue_running.length;
                    document.getElementById("queue-pending").textContent = queue.queue_pending.length;
                  } catch (e) {
                    // the server stopped or restarts: keep the last numbers
                  }
                }
                refreshQueue();
                setInterval(refreshQueue, 2000);
                </script>
                </body>
                </html>
                """.formatted(escape(version), SystemRoutes.COMFYUI_VERSION, note, running, pending, escape(EDITOR_FLAG));
        return html.getBytes(StandardCharsets.UTF_8);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
