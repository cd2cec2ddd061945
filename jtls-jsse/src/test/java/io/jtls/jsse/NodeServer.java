package io.jtls.jsse;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A Node https/http2 server ({@code node -e}) on an ephemeral port, for the JDK HttpClient on the
 * jtls provider to talk to: it answers every request with the HTTP version and the ALPN protocol
 * it saw, so a test sees what was negotiated from the server's side too.
 */
final class NodeServer implements AutoCloseable {
    private static final String SCRIPT = """
            const fs = require('fs');
            const http2 = require('http2');
            const server = http2.createSecureServer({
              key: fs.readFileSync(process.env.KEY), cert: fs.readFileSync(process.env.CERT), allowHTTP1: true,
            }, (req, res) => {
              res.end('version=' + req.httpVersion + ' alpn=' + (req.socket.alpnProtocol || req.stream?.session?.alpnProtocol));
            });
            server.listen(0, '127.0.0.1', () => console.log(server.address().port));
            """;

    private final Process process;
    private final Path dir;
    final int port;

    NodeServer(String certPem, String keyPem) throws IOException {
        dir = Files.createTempDirectory("jtls-jsse-node");
        Path cert = Files.writeString(dir.resolve("cert.pem"), certPem);
        Path key = Files.writeString(dir.resolve("key.pem"), keyPem);
        ProcessBuilder builder = new ProcessBuilder("node", "-e", SCRIPT).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("CERT", cert.toString());
        builder.environment().put("KEY", key.toString());
        process = builder.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null) {
            close();
            throw new IOException("node exited before listening");
        }
        port = Integer.parseInt(line.trim());
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }
}
