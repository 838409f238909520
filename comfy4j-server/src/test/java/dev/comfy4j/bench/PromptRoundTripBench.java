package dev.comfy4j.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.json.Json;
import dev.comfy4j.support.TestServer;
import dev.comfy4j.support.WsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Engine and server overhead seen by a client: a one-node-plus-output prompt
 * (PrimitiveInt -> PreviewAny) from {@code POST /prompt} to the final {@code executing} message
 * with {@code node: null}, over real HTTP and WebSocket on loopback. Each run changes the value so
 * nothing is served from cache. Arguments: number of timed runs (default 500).
 */
public final class PromptRoundTripBench {
    private PromptRoundTripBench() {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        Path base = Files.createTempDirectory("comfy4j-bench");
        try (TestServer server = TestServer.start(TestServer.config(base));
             WsClient ws = server.websocket("bench")) {
            ws.next();
            for (int i = 0; i < 100; i++) roundTrip(server, ws, -i - 1); // warm-up
            long[] nanos = new long[runs];
            for (int i = 0; i < runs; i++) nanos[i] = roundTrip(server, ws, i);
            Arrays.sort(nanos);
            System.out.printf("POST /prompt -> final executing, %d runs: median %.3f ms, p90 %.3f ms, p99 %.3f ms, min %.3f ms%n",
                    runs, ms(nanos[runs / 2]), ms(nanos[runs * 9 / 10]), ms(nanos[runs * 99 / 100]), ms(nanos[0]));
        }
    }

    private static long roundTrip(TestServer server, WsClient ws, int value) {
        ObjectNode body = Json.object();
        body.put("client_id", "bench");
        ObjectNode prompt = body.putObject("prompt");
        ObjectNode primitive = prompt.putObject("1");
        primitive.put("class_type", "PrimitiveInt");
        primitive.putObject("inputs").put("value", value);
        ObjectNode preview = prompt.putObject("2");
        preview.put("class_type", "PreviewAny");
        preview.putObject("inputs").putArray("source").add("1").add(0);
        long start = System.nanoTime();
        var answer = server.postJson("/prompt", body);
        if (answer.statusCode() != 200) throw new IllegalStateException(answer.body());
        ws.until(m -> m.type().equals("executing") && m.json().get("data").get("node").isNull());
        return System.nanoTime() - start;
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
