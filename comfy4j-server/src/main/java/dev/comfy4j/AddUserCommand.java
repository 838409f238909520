package dev.comfy4j;

import dev.comfy4j.server.auth.Role;
import dev.comfy4j.server.auth.TokenFile;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code comfy4j add-user --auth-tokens-file FILE [--role admin] NAME}: adds a user (or gives an
 * existing one a new token, revoking the old) and prints the token once. Only its SHA-256 is stored.
 */
@Command(name = "add-user", mixinStandardHelpOptions = true,
        description = "Add a user to the tokens file and print its new token (shown only this once).")
public final class AddUserCommand implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--auth-tokens-file", required = true, description = "The tokens file (created when absent).")
    Path file;

    @Option(names = "--role", defaultValue = "user", description = "user (default) or admin.")
    String role;

    @Parameters(index = "0", description = "The user name (letters, digits, '_', '.', '-').")
    String user;

    @Override
    public Integer call() {
        String token = TokenFile.addUser(file, user, Role.parse(role));
        spec.commandLine().getOut().println(token);
        spec.commandLine().getErr().println("Added " + user + " (" + role + ") to " + file
                + ". The token above is not stored anywhere: keep it now.");
        return 0;
    }
}
