package io.jtls.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jtls serve} as a process, against real clients: curl and headless Chromium on
 * {@code --http}, curl on {@code --www}, {@code openssl s_client} on the echo mode, and
 * {@code jtls connect} with SNI and a client certificate.
 */
class ServeTest {
    @TempDir
    static Path dir;
    private static TestFiles files;

    @BeforeAll
    static void certificates() {
        files = new TestFiles(dir);
    }

    @Test
    void httpAnswersCurlOnOneKeptAliveConnection() {
        try (Cli.Running server = Cli.Running.serve("--http", "--cert", files.serverCert.toString(),
                "--key", files.serverKey.toString())) {
            String base = "https://localhost:" + server.port();
            // Two URLs on one command line: curl sends the second on the same connection when
            // the first response kept it alive (num_connects 0 for the second).
            Cli.Result curl = Cli.exec(null, Duration.ofSeconds(20), List.of("curl", "-sS", "--cacert", files.ca.toString(),
                    "-w", "\n%{http_code} %{http_version} %{num_connects} %{content_type}\n", base + "/first", base + "/second?x=1"));
            String out = curl.ok();
            assertTrue(out.contains("200 1.1 1 text/html; charset=utf-8"), out);
            assertTrue(out.contains("200 1.1 0 text/html; charset=utf-8"), out);
            assertTrue(out.contains("GET /first HTTP/1.1") && out.contains("GET /second?x=1 HTTP/1.1"), out);
            assertTrue(out.contains("protocol: TLSv1.3") && out.contains("alpn: http/1.1") && out.contains("sni: localhost"), out);

            // HEAD: the same head, no body; a POST's body is skipped and the connection goes on.
            String head = Cli.exec(null, Duration.ofSeconds(20), List.of("curl", "-sS", "-I", "--cacert", files.ca.toString(),
                    base + "/")).ok();
            assertTrue(head.startsWith("HTTP/1.1 200 OK"), head);
            assertTrue(Pattern.compile("(?i)content-length: \\d+").matcher(head).find(), head);
            String post = Cli.exec(null, Duration.ofSeconds(20), List.of("curl", "-sS", "--cacert", files.ca.toString(),
                    "-d", "a=1", "-w", "%{http_code} %{num_connects}\n", base + "/",
                    "--next", "--cacert", files.ca.toString(), "-w", "%{http_code} %{num_connects}\n", base + "/")).ok();
            assertTrue(post.contains("405 1") && post.contains("200 0"), post);

            Matcher line = server.awaitLine(Pattern.compile("^connection from 127\\.0\\.0\\.1:\\d+ (.*)$"));
            assertTrue(line.group(1).startsWith("protocol=TLSv1.3 cipher=TLS_"), line.group(1));
            assertTrue(line.group(1).contains("alpn=http/1.1 sni=localhost reused=false"), line.group(1));
        }
    }

    @Test
    void httpAnswersHeadlessChromium() throws Exception {
        try (Cli.Running server = Cli.Running.serve("--http")) { // a generated test certificate
            Path profile = Files.createTempDirectory(dir, "chromium");
            Cli.Result chromium = Cli.exec(null, Duration.ofSeconds(45), List.of("chromium", "--headless", "--no-sandbox",
                    "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
                    "--ignore-certificate-errors", "--dump-dom", "https://127.0.0.1:" + server.port() + "/"));
            String dom = chromium.ok();
            assertTrue(dom.contains("<h1>jtls serve</h1>"), chromium.describe());
            assertTrue(dom.contains("protocol: TLSv1.3"), dom);
            assertTrue(dom.contains("alpn: http/1.1"), dom);
            server.awaitLine(Pattern.compile("^connection from .* protocol=TLSv1\\.3 .*alpn=http/1\\.1"));
        }
    }

    @Test
    void wwwAnswersOneRequestAndCloses() {
        try (Cli.Running server = Cli.Running.serve("--www", "--cert", files.serverCert.toString(),
                "--key", files.serverKey.toString(), "--max", "TLSv1.2")) {
            String out = Cli.exec(null, Duration.ofSeconds(20), List.of("curl", "-sS", "-i", "--cacert", files.ca.toString(),
                    "https://127.0.0.1:" + server.port() + "/status")).ok();
            assertTrue(out.startsWith("HTTP/1.0 200 ok"), out);
            assertTrue(out.contains("protocol: TLSv1.2") && out.contains("request: GET /status"), out);
        }
    }

    @Test
    void echoAnswersOpenSslSClient() throws Exception {
        try (Cli.Running server = Cli.Running.serve("--cert", files.serverCert.toString(), "--key", files.serverKey.toString());
                Cli.Running client = Cli.Running.start(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + server.port(),
                        "-servername", "localhost", "-CAfile", files.ca.toString(), "-verify_return_error", "-quiet"))) {
            OutputStream in = client.stdin();
            in.write("hello from s_client\n".getBytes(StandardCharsets.US_ASCII));
            in.flush();
            client.awaitLine(Pattern.compile("^hello from s_client$"));
            Matcher line = server.awaitLine(Pattern.compile("^connection from \\S+ protocol=(\\S+) cipher=(\\S+) alpn=- sni=(\\S+)"));
            assertEquals("TLSv1.3", line.group(1));
            assertEquals("localhost", line.group(3));
            in.write("and again\n".getBytes(StandardCharsets.US_ASCII));
            in.flush();
            client.awaitLine(Pattern.compile("^and again$"));
        }
    }

    @Test
    void twoServersShareSessionsThroughRedis() throws Exception {
        int redisPort;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            redisPort = probe.getLocalPort();
        }
        try (Cli.Running redis = Cli.Running.start(List.of("redis-server", "--port", String.valueOf(redisPort),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"))) {
            redis.awaitLine(Pattern.compile("Ready to accept connections"));
            String store = "redis://127.0.0.1:" + redisPort;
            // Without tickets, sessions live in the store only (TLS 1.3: stateful tickets).
            try (Cli.Running a = Cli.Running.serve("--cert", files.serverCert.toString(), "--key", files.serverKey.toString(),
                    "--no-tickets", "--session-store", store);
                    Cli.Running b = Cli.Running.serve("--cert", files.serverCert.toString(), "--key", files.serverKey.toString(),
                            "--no-tickets", "--session-store", store)) {
                // TLS 1.3 too: the client ends right after its resumed handshake while the
                // server still stores (asynchronously, in Redis) the new stateful ticket; the
                // server's connection is established all the same, as in Node.
                for (String version : List.of("TLSv1.2", "TLSv1.3")) {
                    Path session = dir.resolve("redis-" + version + ".session");
                    Cli.run(null, "connect", "--port", String.valueOf(a.port()), "--ca", files.ca.toString(), "--max", version,
                            "--session-out", session.toString(), "--no-stdin").ok();
                    String onB = Cli.run(null, "connect", "--port", String.valueOf(b.port()), "--ca", files.ca.toString(),
                            "--max", version, "--session-in", session.toString(), "--no-stdin").ok();
                    assertTrue(onB.startsWith("Reused protocol=" + version + " "), onB);
                    b.awaitLine(Pattern.compile("^connection from .* protocol=" + Pattern.quote(version) + " .* reused=true"));
                }
            }
        }
    }

    @Test
    void withoutTicketsTls13ResumesThroughTheSessionStore() {
        // --no-tickets: TLS 1.3 issues stateful tickets, looked up in the store (Node's events).
        try (Cli.Running server = Cli.Running.serve("--cert", files.serverCert.toString(), "--key", files.serverKey.toString(),
                "--no-tickets", "--session-store", "memory")) {
            String out = Cli.run(null, "connect", "--port", String.valueOf(server.port()), "--ca", files.ca.toString(),
                    "--reconnect", "2", "--no-stdin").ok();
            assertEquals(List.of("New", "Reused", "Reused"), out.lines().map(l -> l.substring(0, l.indexOf(' '))).toList(), out);
            server.awaitLine(Pattern.compile("^connection from .* protocol=TLSv1\\.3 .* reused=true"), 2);
        }
    }

    @Test
    void sniServesTheNamedCertificateAndRequestCertVerifiesTheClient() {
        try (Cli.Running server = Cli.Running.serve("--cert", files.serverCert.toString(), "--key", files.serverKey.toString(),
                "--sni", "beta.test=" + files.betaCert + "," + files.betaKey, "--request-cert", "--ca", files.ca.toString(),
                "--no-reject-unauthorized", "--alpn", "h2,http/1.1")) {
            String port = String.valueOf(server.port());
            // SNI: beta.test gets its own certificate (checked against the name by the client).
            String out = Cli.run(null, "connect", "--host", "127.0.0.1", "--port", port, "--servername", "beta.test",
                    "--ca", files.ca.toString(), "--alpn", "http/1.1", "--json", "--showcerts", "--no-stdin").ok();
            assertTrue(out.startsWith("{\"connection\":0,\"protocol\":\"TLSv1.3\""), out);
            assertTrue(out.contains("\"alpnProtocol\":\"http/1.1\",\"servername\":\"beta.test\",\"reused\":false,\"authorized\":true"), out);
            // The chain as Node's certificate objects: the beta.test leaf, then its CA.
            assertTrue(out.contains("\"peerCertificates\":[{\"subject\":{\"CN\":\"beta.test\"},\"issuer\":{\"CN\":\"jtls cli test CA\"}"), out);
            assertTrue(out.contains("\"subjectaltname\":\"DNS:beta.test\""), out);
            Matcher beta = server.awaitLine(Pattern.compile("^connection from .* alpn=(\\S+) sni=beta\\.test reused=false authorized=(\\S+)"));
            assertEquals("http/1.1", beta.group(1));
            assertEquals("false", beta.group(2)); // asked, but no certificate came

            // --request-cert: the client's certificate verifies against --ca.
            Cli.run(null, "connect", "--port", port, "--ca", files.ca.toString(), "--cert", files.clientCert.toString(),
                    "--key", files.clientKey.toString(), "--no-stdin").ok();
            Matcher client = server.awaitLine(Pattern.compile("^connection from .* sni=localhost reused=false authorized=(\\S+) peer=\"(.*)\"$"));
            assertEquals("true", client.group(1));
            assertEquals("jtls cli test client", client.group(2));
        }
    }
}
