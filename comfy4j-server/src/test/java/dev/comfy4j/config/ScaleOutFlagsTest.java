package dev.comfy4j.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfy4j.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The scale-out flags: --database postgresql://, --role, --worker-lease, --advertise-url. */
class ScaleOutFlagsTest {
    @TempDir Path dir;

    private List<String> refusals(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("--base-directory", dir.toString()));
        all.addAll(List.of(args));
        int exit = Main.run(all.toArray(String[]::new), Map.of(), new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(exit).as(String.join(" ", args)).isEqualTo(2);
        return err.toString().lines().toList();
    }

    private static ServerConfig parse(String... args) {
        CliOptions options = new CliOptions();
        new CommandLine(options).parseArgs(args);
        return options.toConfig();
    }

    @Test
    void anApiServerNeedsASharedDatabase() {
        assertThat(refusals("--database", "none", "--role", "api")).contains(
                "comfy4j: --role api: needs a shared --database postgresql://...: alone, an api server runs nothing");
        assertThat(refusals("--role", "boss", "--database", "none"))
                .contains("comfy4j: --role boss: must be api, worker or all");
        assertThat(refusals("--worker-lease", "0", "--database", "none"))
                .contains("comfy4j: --worker-lease 0: must be more than 0 seconds");
        assertThat(refusals("--advertise-url", "worker1:8188", "--database", "none"))
                .contains("comfy4j: --advertise-url worker1:8188: must start with http:// or https://");
    }

    @Test
    void aPostgresUrlSelectsTheSharedStoreInsteadOfSqlite() {
        ServerConfig shared = parse("--database", "postgresql://u:p@db:5432/comfy", "--role", "worker",
                "--worker-lease", "2.5", "--advertise-url", "http://worker1:8188");
        assertThat(shared.database()).isNull();
        assertThat(shared.scaleOut().databaseUrl()).isEqualTo("postgresql://u:p@db:5432/comfy");
        assertThat(shared.scaleOut().role()).isEqualTo(ScaleOutSettings.Role.WORKER);
        assertThat(shared.scaleOut().leaseMillis()).isEqualTo(2500);
        assertThat(shared.scaleOut().advertiseUrl()).isEqualTo("http://worker1:8188");

        ServerConfig local = parse("--database", "jobs.db");
        assertThat(local.scaleOut().shared()).isFalse();
        assertThat(local.scaleOut().role()).isEqualTo(ScaleOutSettings.Role.ALL);
        assertThat(local.database()).isEqualTo(Path.of("jobs.db").toAbsolutePath().normalize());
    }
}
