package io.jtls.jsse;

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
 * {@code openssl s_client} as a line-oriented peer: it verifies the server against a CA file
 * (failing on any verification error), then whatever the test writes goes to the server and
 * every line the server sends comes back through {@link #readLine()}.
 */
final class SClient implements AutoCloseable {
    private final Process process;
    private final Path caFile;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final OutputStream stdin;

    SClient(int port, String caPem, String... extra) throws IOException {
        caFile = Files.createTempFile("jtls-jsse-ca", ".pem");
        Files.writeString(caFile, caPem);
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
                "-CAfile", caFile.toString(), "-verify_return_error", "-verify_hostname", "localhost",
                "-servername", "localhost", "-quiet"));
        command.addAll(List.of(extra));
        process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        stdin = process.getOutputStream();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "s_client-reader");
        reader.setDaemon(true);
        reader.start();
    }

    void writeLine(String line) throws IOException {
        stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    /** The next line from the server; null if none came within a generous guard time (a failure, not a timing check). */
    String readLine() throws InterruptedException {
        return lines.poll(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(caFile);
    }
}
