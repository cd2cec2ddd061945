package io.jtls.support;

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
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real peer process (openssl s_server/s_client, node) driven by a test: its output lines
 * are collected as they come, a test waits for a line, and close() always kills it. The static
 * {@code run} methods run a short reference command to completion instead.
 */
public final class ExternalProcess implements AutoCloseable {
    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final String name;
    private final Thread reader;
    private boolean outputEnded; // guarded by lines: the reader saw the end of the output

    private ExternalProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        this.reader = new Thread(this::pump, "peer-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts a command with stderr merged into stdout. */
    public static ExternalProcess start(List<String> command) {
        return start(command, null);
    }

    public static ExternalProcess start(List<String> command, Path workDir) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        try {
            return new ExternalProcess(Path.of(command.getFirst()).getFileName().toString(), pb.start());
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + command, e);
        }
    }

    /** Runs a command to completion in the current folder; see {@link #run(Path, Duration, List)}. */
    public static Result run(Duration timeout, List<String> command) {
        return run(null, timeout, command);
    }

    /**
     * Runs a short command (node, the openssl CLI) to completion in {@code dir} (null: the
     * current folder) with stdin from /dev/null, and returns exactly what it printed, stderr
     * merged into stdout as the tool interleaved them. Fails when it overruns {@code timeout}.
     */
    public static Result run(Path dir, Duration timeout, List<String> command) {
        Separated r = finish(dir, timeout, command, true);
        return new Result(r.exitCode(), r.stdout());
    }

    /**
     * Like {@link #run(Path, Duration, List)} but keeps stdout and stderr apart, so node's
     * warnings stay out of the data a test parses.
     */
    public static Separated runSeparately(Path dir, Duration timeout, List<String> command) {
        return finish(dir, timeout, command, false);
    }

    /** A finished command: exit status and everything it printed (stdout and stderr merged). */
    public record Result(int exitCode, String output) {
        /** Asserts exit status 0 and returns the output. */
        public String ok() {
            assertEquals(0, exitCode, output);
            return output;
        }
    }

    /** A finished command whose stdout and stderr were captured separately. */
    public record Separated(int exitCode, String stdout, String stderr) {
        /** Both streams, for failure messages. */
        public String describe() {
            return "exit " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
        }
    }

    /** Output goes to files, not pipes: a child that keeps them open cannot stall the test. */
    private static Separated finish(Path dir, Duration timeout, List<String> command, boolean merge) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("jtls-stdout", ".txt");
            err = Files.createTempFile("jtls-stderr", ".txt");
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile());
            if (merge) {
                pb.redirectErrorStream(true);
            } else {
                pb.redirectError(err.toFile());
            }
            if (dir != null) {
                pb.directory(dir.toFile());
            }
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError(command + " did not finish within " + timeout);
            }
            return new Separated(p.exitValue(), text(out), text(err));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    /** Malformed UTF-8 is replaced, not fatal: the output is evidence, not input. */
    private static String text(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a stray temporary file
            }
        }
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
                outputEnded = true;
                lines.notifyAll();
            }
        }
    }

    /** Waits for the first output line matching {@code pattern}; returns its matcher. */
    public Matcher awaitLine(Pattern pattern, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        synchronized (lines) {
            while (true) {
                for (; seen < lines.size(); seen++) {
                    Matcher m = pattern.matcher(lines.get(seen));
                    if (m.find()) {
                        return m;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || (outputEnded && seen == lines.size())) {
                    throw new AssertionError(name + ": no line matching /" + pattern + "/ within "
                            + timeout + (process.isAlive() ? "" : " (process exited)") + "; output:\n" + output());
                }
                try {
                    lines.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted", e);
                }
            }
        }
    }

    /** Waits until some line satisfies the predicate. */
    public String awaitLine(Predicate<String> test, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        synchronized (lines) {
            while (true) {
                for (; seen < lines.size(); seen++) {
                    if (test.test(lines.get(seen))) {
                        return lines.get(seen);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || (outputEnded && seen == lines.size())) {
                    throw new AssertionError(name + ": expected line not seen within " + timeout + "; output:\n" + output());
                }
                try {
                    lines.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted", e);
                }
            }
        }
    }

    /** Writes to the process's standard input. */
    public void write(String text) {
        try {
            OutputStream in = process.getOutputStream();
            in.write(text.getBytes(StandardCharsets.UTF_8));
            in.flush();
        } catch (IOException e) {
            throw new IllegalStateException(name + ": stdin closed", e);
        }
    }

    /** Closes the process's standard input (s_client then ends its connection). */
    public void closeStdin() {
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    /** Waits for the process to exit and its output to be read; returns the exit code. */
    public int waitFor(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name + " did not exit within " + timeout + "; output:\n" + output());
            }
            reader.join(2000); // the last lines (a child that inherited stdout may hold it open)
            return process.exitValue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** Everything printed so far. */
    public String output() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(3, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(3, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
