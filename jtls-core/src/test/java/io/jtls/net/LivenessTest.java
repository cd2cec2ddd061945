package io.jtls.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.support.ExternalProcess;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Node's liveness rules in a child JVM whose {@code main} returns at once: a listening server, an
 * open socket and a pending timer keep the JVM up; {@code unref()} lets it exit; closing lets it
 * exit. "Stays up" is shown by the child still serving after {@code main returned}, not by time.
 */
class LivenessTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static ExternalProcess child(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                LivenessChild.class.getName()));
        cmd.addAll(List.of(args));
        return ExternalProcess.start(cmd);
    }

    private static String fetch(int port) throws Exception {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    @Test
    void aListeningServerKeepsTheJvmUpUntilClosed() throws Exception {
        try (ExternalProcess p = child("listen")) {
            int port = Integer.parseInt(p.awaitLine(Pattern.compile("listening (\\d+)"), TIMEOUT).group(1));
            p.awaitLine(Pattern.compile("main returned"), TIMEOUT);
            assertEquals("alive", fetch(port), "the server still serves after main returned");
            assertEquals("alive", fetch(port));
            p.write("close\n");
            assertEquals(0, p.waitFor(TIMEOUT), p.output());
            assertTrue(p.output().contains("closed"), p.output());
        }
    }

    @Test
    void anUnreferencedServerDoesNotKeepTheJvmUp() {
        try (ExternalProcess p = child("listen-unref")) {
            assertEquals(0, p.waitFor(TIMEOUT), p.output());
            assertTrue(p.output().contains("main returned"), p.output());
        }
    }

    @Test
    void anOpenSocketKeepsTheJvmUpUntilItCloses() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             ExternalProcess p = child("connect", Integer.toString(listener.getLocalPort()))) {
            try (java.net.Socket accepted = listener.accept()) {
                p.awaitLine(Pattern.compile("main returned"), TIMEOUT);
                OutputStream out = accepted.getOutputStream();
                out.write("hi\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                p.awaitLine(Pattern.compile("got hi"), TIMEOUT); // the child's loop still runs
            }
            assertEquals(0, p.waitFor(TIMEOUT), p.output());
            assertTrue(p.output().contains("socket closed"), p.output());
        }
    }

    /**
     * Each loop counts its own handles and only its first and last one touch the process-wide
     * count: the JVM stays up while either loop still has an open socket, and exits when both closed.
     */
    @Test
    void socketsOnTwoLoopsKeepTheJvmUpUntilTheLastOneCloses() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 2, java.net.InetAddress.getLoopbackAddress());
             ExternalProcess p = child("two-loops", Integer.toString(listener.getLocalPort()))) {
            java.net.Socket first = listener.accept();
            try (java.net.Socket second = listener.accept()) {
                p.awaitLine(Pattern.compile("main returned"), TIMEOUT);
                p.awaitLine(Pattern.compile("a connected"), TIMEOUT);
                p.awaitLine(Pattern.compile("b connected"), TIMEOUT);
                first.close(); // one loop's only socket ends: that loop's count drops to zero
                String closedName = p.awaitLine(Pattern.compile("socket (\\w) closed"), TIMEOUT).group(1);
                OutputStream out = second.getOutputStream();
                out.write("hi\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String otherName = closedName.equals("a") ? "b" : "a";
                p.awaitLine(Pattern.compile(otherName + " got hi"), TIMEOUT); // still up: the other loop's socket holds it
            }
            assertEquals(0, p.waitFor(TIMEOUT), p.output());
            assertTrue(p.output().contains("socket a closed") && p.output().contains("socket b closed"), p.output());
        }
    }

    @Test
    void aPendingTimerKeepsTheJvmUpUntilItFires() {
        try (ExternalProcess p = child("timer", "300")) {
            assertEquals(0, p.waitFor(TIMEOUT), p.output());
            String out = p.output();
            Matcher order = Pattern.compile("main returned[\\s\\S]*timer fired").matcher(out);
            assertTrue(order.find(), "the timer fired after main returned: " + out);
        }
    }

    @Test
    void anUnreferencedTimerDoesNotKeepTheJvmUp() {
        try (ExternalProcess p = child("timer-unref")) {
            assertEquals(0, p.waitFor(TIMEOUT), p.output());
            assertTrue(!p.output().contains("timer fired"), p.output());
        }
    }
}
