package dev.comfy4j;

import dev.comfy4j.config.CliOptions;
import dev.comfy4j.logging.LogCapture;
import java.io.PrintWriter;
import java.net.BindException;
import java.util.Map;
import picocli.CommandLine;

/** {@code java -jar comfy4j.jar [flags]}: parses the command line and runs the server until stopped. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        // First: everything printed from here on has its credentials masked.
        LogCapture.installMasking();
        int exit = run(args, System.getenv(), new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        if (exit != 0) System.exit(exit);
    }

    /**
     * Parses and checks the flags, then runs the server until it is stopped. Bad flags are reported
     * one line each on {@code err} before anything starts, with exit code 2; a server that cannot
     * start says why in one line, with exit code 1.
     */
    public static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new CliOptions().withRawArgs(args))
                .setDefaultValueProvider(CliOptions.environment(env))
                .setOut(out)
                .setErr(err)
                .setParameterExceptionHandler((e, given) -> {
                    err.println("comfy4j: " + e.getMessage());
                    err.println("Run 'comfy4j --help' for the flags.");
                    err.flush();
                    return 2;
                })
                .setExecutionExceptionHandler((e, command, parsed) -> {
                    err.println("comfy4j: cannot start: " + reason(e));
                    err.flush();
                    return 1;
                });
        return cli.execute(args);
    }

    /** The message a person can act on: a bind failure says what the OS said, not "port in use". */
    static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException bind) return "cannot listen: " + bind.getMessage();
        }
        return e.getMessage();
    }
}
