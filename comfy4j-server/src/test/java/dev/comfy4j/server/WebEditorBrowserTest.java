package dev.comfy4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.support.HeadlessBrowser;
import dev.comfy4j.support.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web-editor side of comfy4j in a real browser (headless Chromium): the built-in page, and a page
 * served through {@code --front-end-root} that does what the editor does at start (ES module imports,
 * userdata, the WebSocket, queueing a prompt and reading its history). The page's console must stay free
 * of errors.
 */
class WebEditorBrowserTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path base;

    @Test
    void theBuiltInPageLoadsCleanly() {
        HeadlessBrowser.require();
        try (TestServer server = TestServer.start(TestServer.config(base))) {
            HeadlessBrowser.Report report = HeadlessBrowser.open(server.url("/"), TIMEOUT);
            assertThat(report.errors()).as("console errors, page errors and failed requests").isEmpty();
            assertThat(report.response(":" + server.port() + "/").path("status").asInt()).isEqualTo(200);
            // the page's script asks for the queue as soon as it runs
            assertThat(report.response("/api/queue").path("status").asInt()).isEqualTo(200);
            assertThat(report.json().path("loaded").asBoolean()).isTrue();
        }
    }

    @Test
    void aFrontEndRootPageImportsModulesReadsUserdataOpensTheSocketAndQueuesAPrompt() throws Exception {
        HeadlessBrowser.require();
        Path web = Files.createDirectories(base.resolve("web/lib"));
        Files.writeString(web.resolve("../index.html"), """
                <!doctype html>
                <html><head><meta charset="utf-8"><title>editor stand-in</title>
                <link rel="icon" href="data:,">
                <script type="module" src="./main.js"></script>
                </head><body><p id="state">loading</p></body></html>
                """);
        Files.writeString(web.resolve("api.js"), """
                export async function json(path, init) {
                  const response = await fetch(path, init);
                  if (!response.ok) throw new Error(path + ' answered ' + response.status);
                  return response.json();
                }
                export function openSocket(clientId) {
                  const socket = new WebSocket(`ws://${location.host}/ws?clientId=${clientId}`);
                  const messages = [];
                  const waiters = [];
                  socket.addEventListener('message', (event) => {
                    if (typeof event.data !== 'string') return;
                    const message = JSON.parse(event.data);
                    messages.push(message);
                    for (const w of waiters.splice(0)) if (!w(message)) waiters.push(w);
                  });
                  const until = (test) => new Promise((resolve, reject) => {
                    const found = messages.find(test);
                    if (found) return resolve(found);
                    const timer = setTimeout(() => reject(new Error('no such WebSocket message')), 30000);
                    waiters.push((m) => { if (!test(m)) return false; clearTimeout(timer); resolve(m); return true; });
                  });
                  return { socket, messages, until };
                }
                """);
        Files.writeString(web.resolve("../main.js"), """
                import { json, openSocket } from './lib/api.js';

                async function run() {
                  const workflow = JSON.stringify({ nodes: [], links: [], version: 0.4 });
                  await json('/api/userdata/workflows%2Fbrowser-test.json?overwrite=true&full_info=true',
                             { method: 'POST', body: workflow });
                  const listed = await json('/api/userdata?dir=workflows&recurse=true&split=false&full_info=true');
                  const readBack = await (await fetch('/api/userdata/workflows%2Fbrowser-test.json')).text();

                  const ws = openSocket('browser-test');
                  const status = await ws.until((m) => m.type === 'status');
                  const sid = status.data.sid;
                  const prompt = { '1': { class_type: 'PrimitiveString', inputs: { value: 'hello from the browser' } },
                                   '2': { class_type: 'PreviewAny', inputs: { source: ['1', 0] } } };
                  const queued = await json('/api/prompt', { method: 'POST', headers: { 'Content-Type': 'application/json' },
                                                             body: JSON.stringify({ prompt, client_id: sid }) });
                  await ws.until((m) => m.type === 'executing' && m.data.node === null && m.data.prompt_id === queued.prompt_id);
                  const history = await json('/api/history/' + queued.prompt_id);
                  ws.socket.close();
                  document.getElementById('state').textContent = 'done';
                  return {
                    module: 'imported',
                    listed: listed.map((f) => f.path),
                    readBack,
                    sid,
                    queueStatus: status.data.status.exec_info.queue_remaining,
                    nodeErrors: Object.keys(queued.node_errors).length,
                    events: ws.messages.filter((m) => m.data && m.data.prompt_id === queued.prompt_id).map((m) => m.type),
                    historyStatus: history[queued.prompt_id].status.status_str,
                    output: history[queued.prompt_id].outputs['2'].text[0],
                  };
                }
                window.comfy4jTest = run();
                """);
        try (TestServer server = TestServer.start(TestServer.config(base).withFrontEndRoot(base.resolve("web")))) {
            HeadlessBrowser.Report report = HeadlessBrowser.open(server.url("/"), TIMEOUT);

            assertThat(report.errors()).as("console errors, page errors and failed requests").isEmpty();
            JsonNode result = report.result();
            assertThat(result.path("module").asText()).isEqualTo("imported");
            assertThat(result.path("listed").toString()).isEqualTo("[\"browser-test.json\"]");
            assertThat(result.path("readBack").asText()).isEqualTo("{\"nodes\":[],\"links\":[],\"version\":0.4}");
            assertThat(result.path("sid").asText()).isEqualTo("browser-test");
            assertThat(result.path("nodeErrors").asInt()).isZero();
            assertThat(result.path("events").toString()).contains("\"execution_start\"").contains("\"executing\"")
                    .contains("\"executed\"").contains("\"execution_success\"");
            assertThat(result.path("historyStatus").asText()).isEqualTo("success");
            assertThat(result.path("output").asText()).isEqualTo("hello from the browser");
            assertThat(report.response("/lib/api.js").path("status").asInt()).isEqualTo(200);
        }
    }
}
