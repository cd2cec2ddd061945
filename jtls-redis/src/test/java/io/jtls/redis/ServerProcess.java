package io.jtls.redis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ResumptionServerMain} in a child JVM (this JVM's java, class path and native access),
 * talked to through its stdin and stdout; its stderr goes to a temp file quoted in failures.
 * {@link #close()} closes its stdin, which ends it.
 */
final class ServerProcess implements AutoCloseable {
    private static final String EOF = "\0eof";

    private final String name;
    private final Process process;
    private final Path stderr;
    private final OutputStream stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private ServerProcess(String name, Process process, Path stderr) {
        this.name = name;
        this.process = process;
        this.stderr = stderr;
        this.stdin = process.getOutputStream();
        Thread.ofPlatform().daemon().name(name + "-stdout").start(() -> {
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException closed) {
                // the process ended
            } finally {
                lines.add(EOF);
            }
        });
    }

    /** Starts {@code ResumptionServerMain args...} without waiting for it. */
    static ServerProcess start(String name, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", // a short-lived server: start fast
                "-cp", System.getProperty("java.class.path"),
                ResumptionServerMain.class.getName()));
        command.addAll(args);
        Path stderr = Files.createTempFile("jtls-cluster-" + name + "-", ".log");
        Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        return new ServerProcess(name, process, stderr);
    }

    /** Waits for the {@code listening PORT} lines, one per mode, and returns the ports. */
    List<Integer> awaitPorts(int servers) {
        List<Integer> ports = new ArrayList<>();
        while (ports.size() < servers) {
            String line = nextLine(30);
            if (!line.startsWith("listening ")) {
                throw new AssertionError(this + " printed '" + line + "' instead of 'listening PORT'" + stderrText());
            }
            ports.add(Integer.parseInt(line.substring("listening ".length())));
        }
        return ports;
    }

    /** Sends one command line and returns the answer line. */
    String command(String command) {
        try {
            stdin.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        } catch (IOException e) {
            throw new AssertionError(this + " no longer reads commands" + stderrText(), e);
        }
        String answer = nextLine(15);
        if (answer.startsWith("error")) {
            throw new AssertionError(this + " answered '" + answer + "' to '" + command + "'" + stderrText());
        }
        return answer;
    }

    private String nextLine(int seconds) {
        String line;
        try {
            line = lines.poll(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        if (line == null) {
            throw new AssertionError(this + " printed nothing for " + seconds + " s" + stderrText());
        }
        if (line.equals(EOF)) {
            throw new AssertionError(this + " ended" + exitText() + stderrText());
        }
        return line;
    }

    String stderrText() {
        try {
            String text = Files.readString(stderr);
            return text.isBlank() ? "" : "\n--- " + name + " stderr ---\n" + text;
        } catch (IOException e) {
            return "";
        }
    }

    private String exitText() {
        try {
            return process.waitFor(2, TimeUnit.SECONDS) ? " with status " + process.exitValue() : "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    @Override
    public void close() throws InterruptedException {
        try {
            stdin.close(); // end of commands: the process exits by itself
        } catch (IOException alreadyGone) {
            // ended already
        }
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        try {
            Files.deleteIfExists(stderr);
        } catch (IOException ignored) {
            // a temp file left behind is harmless
        }
    }

    @Override
    public String toString() {
        return "server process " + name + " (pid " + process.pid() + ")";
    }
}
