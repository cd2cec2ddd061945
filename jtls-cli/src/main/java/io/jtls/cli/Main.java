package io.jtls.cli;

import io.jtls.blocking.TlsIOException;
import io.jtls.error.NodeError;
import io.jtls.error.OpenSslUnavailableException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code jtls} command: {@code serve}, {@code connect}, {@code cert}, {@code ciphers},
 * {@code version}, {@code demo}. Run by {@code scripts/jtls} (or {@code java -jar jtls.jar}: the
 * jar's manifest enables native access).
 */
@Command(name = "jtls", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = "Node.js's tls module for Java on OpenSSL 3, from the shell.",
        subcommands = {ServeCommand.class, ConnectCommand.class, CertCommand.class, CiphersCommand.class,
                VersionCommand.class, DemoCommand.class, CommandLine.HelpCommand.class,
                AotTrainingCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The command, as picocli instantiates it. */
    public Main() {}

    /** Without a subcommand: the usage, and status 2 as for any other usage mistake. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
    }

    /**
     * Runs the command line and exits with its status: 0 done, 1 failed (a TLS or network error,
     * printed as Node's code and message), 2 usage.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** The command line's exit status (tests call the jar as a process; this is for both). */
    static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            if (e instanceof UsageException) {
                commandLine.getErr().println("jtls " + commandLine.getCommandName() + ": " + e.getMessage());
                return 2;
            }
            commandLine.getErr().println("jtls " + commandLine.getCommandName() + ": " + describe(e));
            if (System.getenv("JTLS_DEBUG") != null) e.printStackTrace(commandLine.getErr());
            return 1;
        });
        return cli.execute(args);
    }

    /** {@code CODE: message}, with Node's code where the error (or what it wraps) has one. */
    static String describe(Throwable e) {
        Throwable t = e;
        while (t instanceof TlsIOException && t.getCause() != null) t = t.getCause();
        String message = t.getMessage() == null ? t.toString() : t.getMessage();
        if (t instanceof OpenSslUnavailableException) return message;
        String code = t instanceof NodeError n ? n.code() : null;
        return code == null || message.contains(code) ? message : code + ": " + message;
    }
}
