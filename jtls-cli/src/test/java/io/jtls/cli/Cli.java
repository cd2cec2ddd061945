package io.jtls.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs processes for the tests: the packaged {@code jtls.jar} exactly as a user runs it
 * ({@code java -jar}: the manifest's Main-Class and Enable-Native-Access are part of what is
 * tested), and the peers (openssl, node, curl, chromium).
 */
final class Cli {
    private Cli() {}

    /** The jar the build just packaged (the surefire run is bound after the shade). */
    static Path jar() {
        String jar = System.getProperty("jtls.cli.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("no jtls.jar (" + jar + "): run the tests with mvn package, after the shade");
        }
        return Path.of(jar);
    }

    /**
     * {@code java -jar jtls.jar args...}, with the Java running the tests; the JVM flags only make
     * short runs start faster (the C1 compiler alone, one GC thread).
     */
    static List<String> jtls(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", jar().toString()));
        command.addAll(List.of(args));
        return command;
    }

    /** A finished command, stdout and stderr apart. */
    record Result(int exitCode, String stdout, String stderr) {
        String ok() {
            assertEquals(0, exitCode, describe());
            return stdout;
        }

        String describe() {
            return "exit " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
        }
    }

    /** Runs {@code jtls args...} to completion with {@code stdin} (null: empty). */
    static Result run(String stdin, String... args) {
        return exec(stdin, Duration.ofSeconds(30), jtls(args));
    }

    /**
     * Runs a command to completion: stdin from a file (null: empty), output to files so a child
     * that keeps them open cannot stall the test. Fails when it overruns {@code timeout}.
     */
    static Result exec(String stdin, Duration timeout, List<String> command) {
        return exec(Map.of(), stdin, timeout, command);
    }

    /** As {@link #exec(String, Duration, List)}, with {@code env} added to the environment. */
    static Result exec(Map<String, String> env, String stdin, Duration timeout, List<String> command) {
        try {
            Path in = Files.createTempFile("jtls-cli-in", ".txt");
            Path out = Files.createTempFile("jtls-cli-out", ".txt");
            Path err = Files.createTempFile("jtls-cli-err", ".txt");
            try {
                Files.writeString(in, stdin == null ? "" : stdin);
                ProcessBuilder builder = new ProcessBuilder(command).redirectInput(in.toFile())
                        .redirectOutput(out.toFile()).redirectError(err.toFile());
                builder.environment().putAll(env);
                Process p = builder.start();
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                    throw new AssertionError(command + " did not finish within " + timeout
                            + "\nstdout:\n" + Files.readString(out) + "\nstderr:\n" + Files.readString(err));
                }
                return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
            } finally {
                Files.deleteIfExists(in);
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A running process (a server, an interactive client): its output lines as they come, its stdin. */
    static final class Running implements AutoCloseable {
        private final Process process;
        private final String name;
        private final List<String> lines = new ArrayList<>();
        private boolean ended; // guarded by lines

        private Running(String name, Process process) {
            this.name = name;
            this.process = process;
            Thread reader = new Thread(this::pump, "out-" + name);
            reader.setDaemon(true);
            reader.start();
        }

        /** Starts {@code command}, stderr merged into the lines. */
        static Running start(List<String> command) {
            return start(command, Map.of());
        }

        /** Starts {@code command} with {@code env} added to the environment, stderr merged into the lines. */
        static Running start(List<String> command, Map<String, String> env) {
            try {
                ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
                builder.environment().putAll(env);
                Process p = builder.start();
                return new Running(Path.of(command.getFirst()).getFileName() + " " + command.getLast(), p);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** {@code jtls serve args...} once it printed "listening HOST:PORT"; the port chosen. */
        static Running serve(String... args) {
            List<String> full = new ArrayList<>(List.of("serve", "--port", "0"));
            full.addAll(List.of(args));
            return start(jtls(full.toArray(String[]::new)));
        }

        /** The port from the "listening HOST:PORT" line (waiting for it). */
        int port() {
            return Integer.parseInt(awaitLine(Pattern.compile("^listening .*:(\\d+)$")).group(1));
        }

        OutputStream stdin() {
            return process.getOutputStream();
        }

        private void pump() {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (lines) {
                        lines.add(line);
                        lines.notifyAll();
                    }
                }
            } catch (IOException ignored) {
                // the process went away
            } finally {
                synchronized (lines) {
                    ended = true;
                    lines.notifyAll();
                }
            }
        }

        /** The first line (from the start) matching {@code pattern}; fails after 20 s or at the end of output. */
        Matcher awaitLine(Pattern pattern) {
            return awaitLine(pattern, 1);
        }

        /** The {@code nth} line matching {@code pattern}. */
        Matcher awaitLine(Pattern pattern, int nth) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            synchronized (lines) {
                while (true) {
                    int found = 0;
                    for (String line : lines) {
                        Matcher m = pattern.matcher(line);
                        if (m.find() && ++found == nth) return m;
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || ended) {
                        throw new AssertionError(name + ": no line " + nth + " matching /" + pattern + "/"
                                + (ended ? " (output ended)" : "") + "; output:\n" + String.join("\n", lines));
                    }
                    try {
                        lines.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new AssertionError(e);
                    }
                }
            }
        }

        /** Every line matching {@code pattern} so far. */
        List<String> linesMatching(Pattern pattern) {
            synchronized (lines) {
                return lines.stream().filter(l -> pattern.matcher(l).find()).toList();
            }
        }

        String output() {
            synchronized (lines) {
                return String.join("\n", lines);
            }
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Whether {@code program} is on PATH (the peers come from scripts/install-test-deps.sh). */
    static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) return true;
        }
        return false;
    }
}
