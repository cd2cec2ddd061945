package io.jtls.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;

/**
 * {@code jtls aot-training} (hidden): the training run for JDK 25's AOT cache, which
 * {@code scripts/jtls --train-aot} starts with {@code -XX:AOTCacheOutput}. The JVM caches the
 * classes one process loaded and links, with its method profiles, so everything users run goes
 * through this one process: {@code serve} (a generated certificate, on a thread) with
 * {@code connect} against it (TLS 1.3 and 1.2, full and resumed, verified and not, text and
 * JSON), {@code cert}, {@code ciphers}, {@code version} and the help. It runs the same
 * {@link Main#run} the command line does, launched the same way ({@code java -jar}), so the
 * cache matches what a user's run loads. The serving thread never returns: the JVM exits when
 * the training is done (the cache is written at exit).
 */
@Command(name = "aot-training", hidden = true,
        description = "The AOT cache's training run (scripts/jtls --train-aot).")
final class AotTrainingCommand implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("jtls-aot-training");
        try {
            int port = freePort();
            Path ca = dir.resolve("serve-ca.pem");
            Thread server = Thread.ofPlatform().daemon().name("aot-training-serve").start(() ->
                    Main.run("serve", "--port", Integer.toString(port), "--ca-out", ca.toString()));
            awaitListening(port, server);
            String p = Integer.toString(port);
            List<String[]> steps = List.of(
                    new String[] {"connect", "--port", p, "--ca", ca.toString(), "--reconnect", "2", "--no-stdin"},
                    new String[] {"connect", "--port", p, "-k", "--max", "TLSv1.2", "--reconnect", "2", "--no-stdin",
                        "--session-out", dir.resolve("session.pem").toString()},
                    new String[] {"connect", "--host", "127.0.0.1", "--port", p, "-k", "--json", "--showcerts", "--no-stdin"},
                    new String[] {"cert", "--out", dir.resolve("pki").toString()},
                    new String[] {"ciphers"},
                    new String[] {"ciphers", "-v", "--max", "TLSv1.2"},
                    new String[] {"version"},
                    new String[] {"version", "--json"},
                    new String[] {"--help"},
                    new String[] {"serve", "--help"},
                    new String[] {"connect", "--help"});
            List<String> failed = new ArrayList<>();
            for (String[] step : steps) {
                if (Main.run(step) != 0) failed.add(String.join(" ", step));
            }
            if (!failed.isEmpty()) {
                Output.err("jtls aot-training: failed: " + failed);
                return 1;
            }
            return 0;
        } finally {
            deleteTree(dir);
        }
    }

    /** A port free now (the server binds it a moment later: nothing else here competes for it). */
    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Until the server accepts TCP connections (it prints "listening" just after binding). */
    private static void awaitListening(int port, Thread server) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
                return;
            } catch (IOException notYet) {
                if (!server.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("jtls serve did not start listening on port " + port);
                }
                Thread.sleep(20);
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
