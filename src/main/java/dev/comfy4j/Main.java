package dev.comfy4j;

import dev.comfy4j.config.CliOptions;
import picocli.CommandLine;

/** {@code java -jar comfy4j.jar [flags]}: parses the command line and runs the server until stopped. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new CliOptions().withRawArgs(args))
                .setDefaultValueProvider(CliOptions.environment(System.getenv()))
                // A server that cannot start says why in one line (port taken, database in use, ...).
                .setExecutionExceptionHandler((e, command, parsed) -> {
                    command.getErr().println("comfy4j: cannot start: " + e.getMessage());
                    return 1;
                });
        int exit = cli.execute(args);
        if (exit != 0) System.exit(exit);
    }
}
