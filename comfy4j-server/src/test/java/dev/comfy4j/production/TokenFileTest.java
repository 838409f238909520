package dev.comfy4j.production;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.comfy4j.config.CliOptions;
import dev.comfy4j.server.auth.Principal;
import dev.comfy4j.server.auth.Role;
import dev.comfy4j.server.auth.TokenFile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The tokens file and the {@code add-user} command. */
class TokenFileTest {
    @TempDir Path dir;

    @Test
    void addUserPrintsATokenOnceAndStoresOnlyItsSha256() throws Exception {
        Path file = dir.resolve("tokens");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new CliOptions());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute("add-user", "--auth-tokens-file", file.toString(), "--role", "admin", "ops");
        assertThat(exit).isEqualTo(0);
        String token = out.toString().strip();
        assertThat(token).startsWith("c4j_").hasSizeGreaterThan(40);
        assertThat(err.toString()).contains("Added ops (admin)");
        // The digest is SHA-256 of the token's UTF-8 bytes, computed here independently.
        String digest = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(token.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(Files.readString(file)).contains("ops admin " + digest).doesNotContain(token);
        assertThat(new TokenFile(file).authenticate(token)).contains(new Principal("ops", Role.ADMIN));
        assertThat(new TokenFile(file).authenticate(token + "x")).isEmpty();
        assertThat(new TokenFile(file).authenticate(digest)).isEmpty(); // the stored digest is not a token

        // A second add-user for the same name revokes the old token.
        String renewed = TokenFile.addUser(file, "ops", Role.USER);
        TokenFile reread = new TokenFile(file);
        assertThat(reread.authenticate(token)).isEmpty();
        assertThat(reread.authenticate(renewed)).contains(new Principal("ops", Role.USER));
        assertThat(Files.readAllLines(file).stream().filter(l -> l.startsWith("ops ")).count()).isEqualTo(1);
    }

    @Test
    void aUserAddedWhileTheServerRunsCanLogInWithoutARestart() throws Exception {
        Path file = dir.resolve("tokens");
        TokenFile.addUser(file, "first", Role.USER);
        TokenFile tokens = new TokenFile(file);
        Thread.sleep(1100); // the file is looked at again at most once a second
        String later = TokenFile.addUser(file, "second", Role.USER);
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
        assertThat(tokens.authenticate(later)).contains(new Principal("second", Role.USER));
    }

    @Test
    void malformedLinesStopTheStartNamingTheLine() throws Exception {
        Path file = dir.resolve("tokens");
        String hash = "a".repeat(64);
        for (List<String> lines : List.of(List.of("alice user"), List.of("# ok", "alice superuser " + hash),
                List.of("../etc user " + hash), List.of("alice user nothex"))) {
            Files.write(file, lines);
            assertThatThrownBy(() -> new TokenFile(file)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("tokens file line " + lines.size());
        }
        assertThatThrownBy(() -> new TokenFile(dir.resolve("absent"))).hasMessageContaining("cannot read --auth-tokens-file");
        assertThatThrownBy(() -> TokenFile.addUser(file, "a/b", Role.USER)).hasMessageContaining("must match");
    }
}
