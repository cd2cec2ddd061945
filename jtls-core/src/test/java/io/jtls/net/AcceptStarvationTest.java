package io.jtls.net;

import static org.junit.jupiter.api.Assertions.*;

import io.jtls.support.ExternalProcess;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Accept under descriptor exhaustion (issue 11), in a child JVM whose soft {@code RLIMIT_NOFILE}
 * is lowered with {@code prlimit} while it serves: {@code accept} failing with EMFILE must not
 * spin the loop (its thread's CPU time stays low while the clients wait in the backlog), the
 * server reports it once, and the waiting clients are served once descriptors free up (a
 * connection closes, or the limit is raised).
 */
class AcceptStarvationTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int CLIENTS = 12;

    /** A client connected at the TCP level (the kernel's backlog) and the greeting it reads. */
    private record Client(java.net.Socket socket, CompletableFuture<String> greeting) {
        static Client connect(int port) throws Exception {
            java.net.Socket socket = new java.net.Socket("127.0.0.1", port);
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            CompletableFuture<String> greeting = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    greeting.complete(new BufferedReader(new InputStreamReader(socket.getInputStream(),
                            StandardCharsets.US_ASCII)).readLine());
                } catch (Exception e) {
                    greeting.completeExceptionally(e);
                }
            });
            return new Client(socket, greeting);
        }

        void close() {
            try {
                socket.close();
            } catch (Exception ignored) {
                // closing anyway
            }
        }
    }

    @ParameterizedTest(name = "reusePort={0}")
    @ValueSource(booleans = {false, true})
    void emfileBacksOffWithoutSpinningAndTheServerRecovers(boolean reusePort) throws Exception {
        // With reusePort: two loops, each with its own listening socket and its own backoff.
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                AcceptStarvationChild.class.getName(), reusePort ? "reusePort" : "one");
        List<Client> clients = new ArrayList<>();
        try (ExternalProcess child = ExternalProcess.start(cmd)) {
            Matcher listening = child.awaitLine(Pattern.compile("listening (\\d+) (\\d+)"), TIMEOUT);
            int port = Integer.parseInt(listening.group(1));
            long pid = Long.parseLong(listening.group(2));
            // One connection served before the limit, so that the accept path's classes are loaded.
            Client warm = Client.connect(port);
            assertEquals("hi", warm.greeting().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            warm.close();
            // Its server side closed and its descriptor released before they are counted: a
            // descriptor freed later would end the shortage early (a second 'error' for a new one).
            child.write("settle\n");
            child.awaitLine(Pattern.compile("settled"), TIMEOUT);

            // A few descriptors of slack, then more clients than that.
            long open = openDescriptors(pid);
            ExternalProcess.run(TIMEOUT, List.of("prlimit", "--pid", Long.toString(pid),
                    "--nofile=" + (open + 3) + ":")).ok();
            for (int i = 0; i < CLIENTS; i++) clients.add(Client.connect(port));
            child.awaitLine(Pattern.compile("error EMFILE"), TIMEOUT);
            long waiting = clients.stream().filter(c -> !c.greeting().isDone()).count();
            assertTrue(waiting > 0, "some clients wait in the backlog");

            // While starved: the loop threads sleep between retries (a spinning loop uses ~100%).
            child.write("cpu 1000\n");
            Matcher cpu = child.awaitLine(Pattern.compile("cpu (\\d+) (\\d+)"), TIMEOUT);
            double share = Double.parseDouble(cpu.group(1)) / Double.parseDouble(cpu.group(2));
            assertTrue(share < 0.15, "loop threads' CPU share while starved: " + share);
            assertTrue(clients.stream().filter(c -> !c.greeting().isDone()).count() > 0, "still starved");
            int errors = count(child.output(), "error EMFILE");
            // One 'error' per shortage and listening socket, not per retry.
            if (reusePort) {
                assertTrue(errors >= 1 && errors <= 2, "at most one per listening socket: " + child.output());
            } else {
                assertEquals(1, errors, "one 'error' per shortage, not per retry: " + child.output());
            }

            // Descriptors free up: served clients leave, then the limit goes back up.
            List<Client> served = clients.stream().filter(c -> c.greeting().isDone()).toList();
            assertFalse(served.isEmpty(), "the slack served someone");
            long servedBefore = served.size();
            served.forEach(Client::close);
            waitUntil(() -> clients.stream().filter(c -> c.greeting().isDone()).count() > servedBefore,
                    "a waiting client is served once a connection closed");
            ExternalProcess.run(TIMEOUT, List.of("prlimit", "--pid", Long.toString(pid), "--nofile=4096:")).ok();
            for (Client c : clients) {
                assertEquals("hi", c.greeting().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            }
            child.write("quit\n");
        } finally {
            clients.forEach(Client::close);
        }
    }

    private static long openDescriptors(long pid) throws Exception {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.count();
        }
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition, String what) {
        io.jtls.support.Waiting.eventually(what, TIMEOUT, condition);
    }

    private static int count(String text, String word) {
        int n = 0;
        for (int i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1)) n++;
        return n;
    }
}
