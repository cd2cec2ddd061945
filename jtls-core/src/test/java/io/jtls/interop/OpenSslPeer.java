package io.jtls.interop;

import io.jtls.support.ExternalProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The {@code openssl} CLI (3.0) as a test peer: {@code s_server} on a free port of 127.0.0.1,
 * ready once the kernel lists the port as listening (s_server 3.0 prints nothing in
 * {@code -quiet} mode and no port for {@code -accept 0}), and {@code s_client}. Standard input
 * and output may be files (for bulk data); otherwise output lines are collected and standard
 * input is a pipe. {@link #close()} kills the process.
 */
final class OpenSslPeer implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final ExternalProcess process;
    private final int port;

    private OpenSslPeer(ExternalProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts {@code openssl s_server -accept 127.0.0.1:<free port> args...}, with standard input
     * and output from/to the given files when not null; retries on another port if the one
     * picked was taken meanwhile.
     */
    static OpenSslPeer server(List<String> args, Path stdin, Path stdout) {
        for (int attempt = 0; ; attempt++) {
            int port = freePort();
            List<String> command = new ArrayList<>(List.of("openssl", "s_server", "-accept", "127.0.0.1:" + port));
            command.addAll(args);
            ExternalProcess p = ExternalProcess.start(shell(command, stdin, stdout));
            try {
                if (awaitListening(p, port)) {
                    return new OpenSslPeer(p, port);
                }
            } catch (RuntimeException | Error e) {
                p.close();
                throw e;
            }
            p.close();
            if (attempt == 4) {
                throw new AssertionError("s_server could not listen:\n" + p.output());
            }
        }
    }

    static OpenSslPeer server(List<String> args) {
        return server(args, null, null);
    }

    /** Starts {@code openssl s_client -connect 127.0.0.1:port args...}. */
    static OpenSslPeer client(int port, List<String> args, Path stdin, Path stdout) {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port));
        command.addAll(args);
        return new OpenSslPeer(ExternalProcess.start(shell(command, stdin, stdout)), -1);
    }

    static OpenSslPeer client(int port, List<String> args) {
        return client(port, args, null, null);
    }

    int port() {
        return port;
    }

    /** The first output line matching {@code regex} (a find, not a full match). */
    String awaitLine(String regex) {
        return process.awaitLine(Pattern.compile(regex), TIMEOUT).group();
    }

    /** Writes text to standard input (when it is a pipe). */
    void write(String text) {
        process.write(text);
    }

    /** Closes standard input: s_client then ends the connection (unless -ign_eof). */
    void closeStdin() {
        process.closeStdin();
    }

    /** Waits for the process to exit; returns its exit code. */
    int waitFor() {
        return process.waitFor(TIMEOUT);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String output() {
        return process.output();
    }

    @Override
    public void close() {
        process.close();
    }

    /** {@code sh -c 'exec openssl ... <in >out'}: exec keeps the process's pid openssl's, so close() kills openssl itself. */
    private static List<String> shell(List<String> command, Path stdin, Path stdout) {
        StringBuilder line = new StringBuilder("exec");
        for (String arg : command) {
            line.append(' ').append(quote(arg));
        }
        if (stdin != null) {
            line.append(" <").append(quote(stdin.toString()));
        }
        if (stdout != null) {
            line.append(" >").append(quote(stdout.toString()));
        }
        return List.of("sh", "-c", line.toString());
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static boolean ownsSocket(long pid, String inode) {
        String target = "socket:[" + inode + "]";
        try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.anyMatch(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().equals(target);
                } catch (IOException gone) {
                    return false;
                }
            });
        } catch (IOException exited) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Polls /proc/net/tcp until 127.0.0.1:port is in LISTEN state on a socket this process owns
     * (not another program that took the port meanwhile); false if the process gave up.
     */
    private static boolean awaitListening(ExternalProcess p, int port) {
        String local = String.format(Locale.ROOT, "0100007F:%04X", port);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                for (String row : Files.readAllLines(Path.of("/proc/net/tcp"))) {
                    String[] f = row.trim().split("\\s+");
                    if (f.length > 9 && f[1].equals(local) && f[3].equals("0A") && ownsSocket(p.pid(), f[9])) {
                        return true;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (!p.isAlive() || p.output().contains("Address already in use")) {
                return false;
            }
            JtlsPeer.sleepMillis(5);
        }
        throw new AssertionError("s_server never listened on " + port + ":\n" + p.output());
    }
}
