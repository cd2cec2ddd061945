package io.jtls.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jtls connect} as a process against real servers: {@code jtls serve} and Node's
 * {@code tls.createServer}. {@code --reconnect} resumes TLS 1.2 and TLS 1.3 sessions on both
 * (what OpenSSL 3.0's {@code s_client -reconnect} cannot do for TLS 1.3); saved sessions go
 * both ways with {@code openssl s_client}; stdin and stdout carry the data.
 */
class ConnectTest {
    @TempDir
    static Path dir;
    private static TestFiles files;
    private static Cli.Running jtlsServer;
    private static Cli.Running nodeServer;

    @BeforeAll
    static void servers() throws Exception {
        files = new TestFiles(dir);
        jtlsServer = Cli.Running.serve("--cert", files.serverCert.toString(), "--key", files.serverKey.toString());
        Path script = Files.writeString(dir.resolve("server.js"), """
                const tls = require('tls'), fs = require('fs');
                const server = tls.createServer({ key: fs.readFileSync(process.argv[2]), cert: fs.readFileSync(process.argv[3]) },
                    socket => socket.pipe(socket));
                server.listen(0, '127.0.0.1', () => console.log('listening 127.0.0.1:' + server.address().port));
                """);
        nodeServer = Cli.Running.start(List.of("node", script.toString(), files.serverKey.toString(), files.serverCert.toString()));
    }

    @AfterAll
    static void stop() {
        if (jtlsServer != null) jtlsServer.close();
        if (nodeServer != null) nodeServer.close();
    }

    @Test
    void reconnectResumesTls12AndTls13AgainstJtlsServe() {
        for (String version : List.of("TLSv1.2", "TLSv1.3")) {
            assertResumedFiveTimes(jtlsServer.port(), version);
        }
    }

    @Test
    void reconnectResumesTls12AndTls13AgainstNode() {
        for (String version : List.of("TLSv1.2", "TLSv1.3")) {
            assertResumedFiveTimes(nodeServer.port(), version);
        }
    }

    private static void assertResumedFiveTimes(int port, String version) {
        String out = Cli.run(null, "connect", "--port", String.valueOf(port), "--ca", files.ca.toString(),
                "--min", version, "--max", version, "--reconnect", "5", "--no-stdin").ok();
        List<String> lines = out.lines().toList();
        assertEquals(6, lines.size(), out);
        assertTrue(lines.getFirst().startsWith("New protocol=" + version + " "), out);
        assertTrue(lines.getFirst().contains(" authorized=true peer=\"localhost\""), out);
        for (String line : lines.subList(1, 6)) {
            assertTrue(line.startsWith("Reused protocol=" + version + " ") && line.contains(" reused=true "), out);
        }
    }

    @Test
    void stdinGoesToTheServerAndItsAnswerToStdout() {
        // -q: only the data; stdin's end half-closes, the echo server ends, connect exits.
        String echoed = Cli.run("hello\nworld\n", "connect", "-q", "--port", String.valueOf(jtlsServer.port()),
                "--ca", files.ca.toString()).ok();
        assertEquals("hello\nworld\n", echoed);
        String fromNode = Cli.run("to node\n", "connect", "-q", "--port", String.valueOf(nodeServer.port()),
                "--host", "127.0.0.1", "--ca", files.ca.toString()).ok();
        assertEquals("to node\n", fromNode);
    }

    @Test
    void jsonIsOneObjectPerConnection() {
        String out = Cli.run(null, "connect", "--port", String.valueOf(jtlsServer.port()), "--ca", files.ca.toString(),
                "--json", "--reconnect", "2", "--no-stdin").ok();
        List<String> lines = out.lines().toList();
        assertEquals(3, lines.size(), out);
        for (int i = 0; i < 3; i++) {
            String line = lines.get(i);
            assertTrue(line.startsWith("{\"connection\":" + i + ",\"protocol\":\"TLSv1.3\",\"cipher\":{\"name\":\"TLS_"), line);
            assertTrue(line.contains("\"reused\":" + (i > 0) + ","), line);
            assertTrue(line.endsWith("}"), line);
        }
    }

    @Test
    void sessionsSavedGoBothWaysWithOpenSslSClient() throws Exception {
        String port = String.valueOf(jtlsServer.port());
        Path fromJtls = dir.resolve("jtls.session");
        Cli.run(null, "connect", "--port", port, "--ca", files.ca.toString(), "--session-out", fromJtls.toString(),
                "--no-stdin").ok();
        assertTrue(Files.readString(fromJtls).startsWith("-----BEGIN SSL SESSION PARAMETERS-----"));
        // openssl reads what jtls wrote and resumes with it (TLS 1.3).
        String sClient = Cli.exec(null, Duration.ofSeconds(20), List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
                "-servername", "localhost", "-CAfile", files.ca.toString(), "-sess_in", fromJtls.toString())).stdout();
        assertTrue(sClient.contains("Reused, TLSv1.3"), sClient);
        // jtls reads the saved session again, and one that openssl wrote (TLS 1.2: s_client's
        // own session is resumable there).
        assertTrue(Cli.run(null, "connect", "--port", port, "--ca", files.ca.toString(), "--session-in", fromJtls.toString(),
                "--no-stdin").ok().startsWith("Reused protocol=TLSv1.3"));
        Path fromOpenSsl = dir.resolve("openssl.session");
        Cli.exec(null, Duration.ofSeconds(20), List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-tls1_2",
                "-servername", "localhost", "-CAfile", files.ca.toString(), "-sess_out", fromOpenSsl.toString()));
        assertTrue(Files.exists(fromOpenSsl));
        String resumed = Cli.run(null, "connect", "--port", port, "--ca", files.ca.toString(), "--max", "1.2",
                "--session-in", fromOpenSsl.toString(), "--no-stdin").ok();
        assertTrue(resumed.startsWith("Reused protocol=TLSv1.2"), resumed);
        jtlsServer.awaitLine(Pattern.compile("^connection from .* protocol=TLSv1\\.2 .* reused=true"));
    }

    @Test
    void anUnverifiedServerIsRefusedUnlessInsecure() {
        String port = String.valueOf(jtlsServer.port());
        Cli.Result refused = Cli.run(null, "connect", "--port", port, "--no-stdin"); // the system's roots do not know our CA
        assertEquals(1, refused.exitCode(), refused.describe());
        assertTrue(refused.stderr().contains("UNABLE_TO_VERIFY_LEAF_SIGNATURE") || refused.stderr().contains("SELF_SIGNED"),
                refused.describe());
        String insecure = Cli.run(null, "connect", "--port", port, "-k", "--no-stdin").ok();
        assertTrue(insecure.startsWith("New protocol=TLSv1.3") && insecure.contains("authorized=false"), insecure);
        // The certificate is checked against the name asked for, as Node's checkServerIdentity does.
        Cli.Result wrongName = Cli.run(null, "connect", "--port", port, "--ca", files.ca.toString(),
                "--servername", "other.test", "--no-stdin");
        assertEquals(1, wrongName.exitCode(), wrongName.describe());
        assertTrue(wrongName.stderr().contains("ERR_TLS_CERT_ALTNAME_INVALID"), wrongName.describe());
    }
}
