package dev.comfy4j.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfy4j.model.ComputePrecision;
import dev.comfy4j.tensor.DType;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CliOptionsTest {
    private static ServerConfig parse(Map<String, String> env, String... args) {
        CliOptions options = new CliOptions().withRawArgs(args);
        CommandLine cli = new CommandLine(options).setDefaultValueProvider(CliOptions.environment(env));
        cli.parseArgs(args);
        return options.toConfig();
    }

    @Test
    void defaultsAreComfyUis() {
        ServerConfig c = parse(Map.of());
        assertThat(c.listen()).containsExactly("127.0.0.1");
        assertThat(c.port()).isEqualTo(8188);
        assertThat(c.corsOrigin()).isNull();
        assertThat(c.maxUploadBytes()).isEqualTo(104857600L);
        Path base = Path.of("").toAbsolutePath().normalize();
        assertThat(c.inputDirectory()).isEqualTo(base.resolve("input"));
        assertThat(c.tempDirectory()).isEqualTo(base.resolve("temp"));
        assertThat(c.database()).isEqualTo(base.resolve("comfy4j.db"));
        assertThat(c.cacheMode()).isEqualTo(new CacheMode.Classic());
        assertThat(c.previewMethod()).isEqualTo("none");
    }

    @Test
    void precisionFlagsChooseTheUnetAndVaeComputeDtypes() {
        assertThat(parse(Map.of()).compute().precision()).isEqualTo(ComputePrecision.FLOAT32);
        assertThat(parse(Map.of(), "--fp32-unet", "--fp32-vae").compute().precision()).isEqualTo(ComputePrecision.FLOAT32);
        assertThat(parse(Map.of(), "--bf16-unet").compute().precision()).isEqualTo(new ComputePrecision(DType.BF16, DType.F32));
        assertThat(parse(Map.of(), "--bf16-vae", "--bf16-unet").compute().precision()).isEqualTo(new ComputePrecision(DType.BF16, DType.BF16));
    }

    @Test
    void flagsWithOptionalValuesTakeComfyUisConstants() {
        ServerConfig c = parse(Map.of(), "--listen", "--enable-cors-header", "--port", "9000");
        assertThat(c.listen()).containsExactly("0.0.0.0");
        assertThat(c.corsOrigin()).isEqualTo("*");
        assertThat(c.port()).isEqualTo(9000);
        assertThat(parse(Map.of(), "--listen", "127.0.0.1,::1").listen()).containsExactly("127.0.0.1", "::1");
        assertThat(parse(Map.of(), "--enable-cors-header", "http://a.example").corsOrigin()).isEqualTo("http://a.example");
    }

    @Test
    void directoriesFollowTheBaseAndTempGetsItsSubfolder(@org.junit.jupiter.api.io.TempDir Path dir) {
        ServerConfig c = parse(Map.of(), "--base-directory", dir.toString(), "--temp-directory", dir.resolve("t").toString());
        assertThat(c.outputDirectory()).isEqualTo(dir.resolve("output"));
        assertThat(c.userDirectory()).isEqualTo(dir.resolve("user"));
        assertThat(c.modelsDirectory()).isEqualTo(dir.resolve("models"));
        assertThat(c.tempDirectory()).isEqualTo(dir.resolve("t").resolve("temp"));
        assertThat(c.database()).isEqualTo(dir.resolve("comfy4j.db"));
    }

    @Test
    void cacheAndDatabaseChoices() {
        assertThat(parse(Map.of(), "--cache-lru", "5").cacheMode()).isEqualTo(new CacheMode.Lru(5));
        assertThat(parse(Map.of(), "--cache-none").cacheMode()).isEqualTo(new CacheMode.None());
        assertThat(parse(Map.of(), "--database", "none").database()).isNull();
        assertThat(parse(Map.of(), "--max-upload-size", "0.5").maxUploadBytes()).isEqualTo(524288L);
    }

    @Test
    void theEnvironmentFillsFlagsTheCommandLineLeavesOut() {
        Map<String, String> env = Map.of("COMFY4J_PORT", "8200", "COMFY4J_MAX_UPLOAD_SIZE", "2", "COMFY4J_LISTEN", "0.0.0.0");
        ServerConfig c = parse(env);
        assertThat(c.port()).isEqualTo(8200);
        assertThat(c.maxUploadBytes()).isEqualTo(2L * 1024 * 1024);
        assertThat(c.listen()).isEqualTo(List.of("0.0.0.0"));
        assertThat(parse(env, "--port", "8300").port()).isEqualTo(8300);
    }

    @Test
    void variablesAreNamedAfterTheLongFlag() {
        assertThat(CliOptions.variableFor("--max-upload-size")).isEqualTo("COMFY4J_MAX_UPLOAD_SIZE");
        assertThat(CliOptions.variableFor("--enable-cors-header")).isEqualTo("COMFY4J_ENABLE_CORS_HEADER");
    }

    @Test
    void extraModelPathsConfigsAreReadAfterTheBaseOne(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        java.nio.file.Files.createDirectories(dir.resolve("shared/loras"));
        java.nio.file.Files.writeString(dir.resolve("shared/loras/x.safetensors"), "");
        Path yaml = dir.resolve("more.yaml");
        java.nio.file.Files.writeString(yaml, "team:\n    base_path: shared\n    loras: loras\n");
        ServerConfig c = parse(Map.of(), "--base-directory", dir.toString(), "--extra-model-paths-config", yaml.toString());
        assertThat(c.extraModelPathsConfigs()).containsExactly(yaml);
        try (var folders = dev.comfy4j.files.Folders.create(c)) {
            assertThat(folders.models().filenames("loras")).containsExactly("x.safetensors");
        }
    }
}
