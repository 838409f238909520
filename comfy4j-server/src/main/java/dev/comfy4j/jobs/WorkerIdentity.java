package dev.comfy4j.jobs;

import dev.comfy4j.config.ServerConfig;
import java.util.UUID;

/** Who this server is in the worker list. */
public final class WorkerIdentity {
    private WorkerIdentity() {}

    /** A fresh id per process start, so a restarted server never inherits the claims of its past self. */
    public static WorkerInfo of(ServerConfig config, int port) {
        String host = config.listen().isEmpty() ? "127.0.0.1" : config.listen().getFirst();
        if (host.equals("0.0.0.0") || host.equals("::")) host = localHostName();
        String hostForUrl = host.contains(":") ? "[" + host + "]" : host;
        String url = config.scaleOut().advertiseUrl() != null ? config.scaleOut().advertiseUrl()
                : "http://" + hostForUrl + ":" + port;
        String device = config.scaleOut().role().runsPrompts() ? (config.compute().forceCpu() ? "cpu" : deviceName()) : null;
        long now = System.currentTimeMillis();
        return new WorkerInfo(UUID.randomUUID().toString(), host + ":" + port, config.scaleOut().role().flagValue(),
                device, url, null, now, now);
    }

    /** The compute device when libtorch has started; its start is not waited for (it may take seconds). */
    private static String deviceName() {
        return dev.comfy4j.tensor.TorchRuntime.isStarted()
                ? dev.comfy4j.tensor.TorchRuntime.computeDevice().toString() : "unknown (libtorch starting)";
    }

    private static String localHostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }
}
