package dev.comfy4j.jobs.postgres;

import dev.comfy4j.App;
import dev.comfy4j.config.ScaleOutSettings;
import dev.comfy4j.config.ServerConfig;
import java.nio.file.Path;

/**
 * A worker server in a process of its own, so a test can kill it (SIGKILL) mid-prompt. Arguments: the
 * database URL, the base folder, the lease in milliseconds. Prints {@code PORT <n>} once it serves.
 */
public final class ScaleOutServerMain {
    private ScaleOutServerMain() {}

    public static void main(String[] args) throws Exception {
        ServerConfig config = ServerConfig.defaults(Path.of(args[1])).withDatabase(null).withPort(0)
                .withScaleOut(ScaleOutSettings.defaults().withDatabaseUrl(args[0])
                        .withRole(ScaleOutSettings.Role.WORKER).withLeaseMillis(Long.parseLong(args[2])));
        App app = App.start(config, ScaleOutNodes::engine);
        System.out.println("PORT " + app.port());
        System.out.flush();
        app.awaitShutdown();
    }
}
