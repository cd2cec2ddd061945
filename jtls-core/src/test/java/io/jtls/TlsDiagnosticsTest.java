package io.jtls;

import static io.jtls.TlsTesting.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jtls.internal.tls.KeylogFile;
import io.jtls.support.ExternalProcess;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code 'keylog'} (sockets and servers, and the key log file), {@code enableTrace},
 * {@code getSharedSigalgs()} and the JDK certificate getters, compared with Node where Node has
 * an answer for the same inputs.
 */
class TlsDiagnosticsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static void writePki(Path dir) throws Exception {
        Files.writeString(dir.resolve("ca.pem"), ROOT.certificatePem());
        Files.writeString(dir.resolve("server.pem"), SERVER_EC.chainPem());
        Files.writeString(dir.resolve("server.key"), SERVER_EC.privateKeyPem());
    }

    private static String text(byte[] line) {
        assertEquals('\n', line[line.length - 1], "Node's lines end in a newline");
        return new String(line, 0, line.length - 1, StandardCharsets.ISO_8859_1);
    }

    /** Lines "keylog <line>" that a Node peer printed, until {@code count} of them. */
    private static Set<String> nodeLines(ExternalProcess node, int count) {
        Set<String> lines = new TreeSet<>();
        while (lines.size() < count) {
            String line = node.awaitLine(l -> l.startsWith("keylog ") && !lines.contains(l.substring(7)), WAIT);
            lines.add(line.substring(7));
        }
        return lines;
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void keylogLinesAreNodesOnBothSides(String version, @TempDir Path dir) throws Exception {
        writePki(dir);
        int lines = version.equals("TLSv1.3") ? 5 : 1;
        Path script = dir.resolve("keylog.js");
        Files.writeString(script, """
                const tls = require('tls'), fs = require('fs');
                const [d, version, jtlsPort] = process.argv.slice(2);
                const srv = tls.createServer({key: fs.readFileSync(d + '/server.key'), cert: fs.readFileSync(d + '/server.pem'),
                    maxVersion: version}, (s) => s.resume());
                srv.on('keylog', (line) => console.log('keylog ' + line.toString().trimEnd()));
                srv.listen(0, '127.0.0.1', () => console.log('port ' + srv.address().port));
                process.stdin.on('data', () => {
                  const c = tls.connect({port: +jtlsPort, host: '127.0.0.1', ca: fs.readFileSync(d + '/ca.pem'),
                      servername: 'localhost', maxVersion: version});
                  c.on('keylog', (line) => console.log('keylog ' + line.toString().trimEnd()));
                  c.resume();
                });
                """);
        List<String> serverLines = new CopyOnWriteArrayList<>();
        List<TlsSocket> serverLineSockets = new CopyOnWriteArrayList<>();
        CompletableFuture<TlsSocket> accepted = new CompletableFuture<>();
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).maxVersion(version).build(), socket -> {
            socket.resume();
            accepted.complete(socket);
        });
        server.on(TlsServer.KEYLOG, (line, socket) -> {
            serverLines.add(text(line));
            serverLineSockets.add(socket);
        });
        int jtlsPort = listen(server);
        try (Closing closing = closing(server);
             ExternalProcess node = ExternalProcess.start(List.of("node", script.toString(), dir.toString(), version, "" + jtlsPort))) {
            int nodePort = Integer.parseInt(node.awaitLine(l -> l.startsWith("port "), WAIT).substring(5));
            // jtls client, Node server
            List<String> clientLines = new CopyOnWriteArrayList<>();
            CompletableFuture<Void> secure = new CompletableFuture<>();
            TlsSocket client = Tls.connect(clientTo(nodePort).maxVersion(version).build(),
                    s -> s.on(TlsSocket.KEYLOG, line -> clientLines.add(text(line))), () -> secure.complete(null));
            await(secure);
            Set<String> fromNode = nodeLines(node, lines);
            eventually("the jtls client's lines", () -> clientLines.size() == lines);
            assertEquals(fromNode, new TreeSet<>(clientLines), "the same secrets under the same client random");
            client.end();
            // Node client, jtls server
            node.write("go\n");
            Set<String> fromNodeClient = nodeLines(node, 2 * lines);
            fromNodeClient.removeAll(fromNode);
            eventually("the jtls server's lines", () -> serverLines.size() == lines);
            assertEquals(fromNodeClient, new TreeSet<>(serverLines));
            TlsSocket socket = await(accepted);
            assertTrue(serverLineSockets.stream().allMatch(s -> s == socket), "(line, tlsSocket) as Node");
        }
    }

    @Test
    void theKeylogFileGetsEveryConnectionsLines(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("keys.log");
        System.setProperty(KeylogFile.PROPERTY, file.toString());
        try {
            TlsServer server = Tls.createServer(serverWith(SERVER_EC).build(), echo());
            int port = listen(server);
            try (Closing closing = closing(server)) {
                Client c = connect(clientTo(port).build());
                await(c.secure());
                c.socket().end();
                await(c.events().closed);
            }
            // Five TLS 1.3 lines written by each side of the connection, as Node's --tls-keylog in one process.
            eventually("ten lines in the file", () -> lineCount(file) == 10);
            List<String> lines = Files.readAllLines(file);
            Set<String> randoms = new TreeSet<>();
            for (String line : lines) {
                assertTrue(line.matches("[A-Z_0-9]+ [0-9a-f]{64} [0-9a-f]{64,}"), line);
                randoms.add(line.split(" ")[1]);
            }
            assertEquals(1, randoms.size(), "one handshake");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        } finally {
            System.clearProperty(KeylogFile.PROPERTY);
        }
    }

    private static int lineCount(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file).size() : 0;
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    @Test
    void enableTracePrintsOpenSslsTraceToStandardErrorAsNode(@TempDir Path dir) throws Exception {
        writePki(dir);
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).build(), echo());
        int port = listen(server);
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        String jtls;
        try (Closing closing = closing(server)) {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            try {
                Client c = connect(clientTo(port).enableTrace(true).build());
                await(c.secure());
                c.socket().write("x".getBytes(StandardCharsets.UTF_8));
                eventually("echo", () -> c.events().data().equals("x"));
                c.socket().end();
                await(c.events().closed);
            } finally {
                System.setErr(original);
            }
            jtls = captured.toString(StandardCharsets.UTF_8);
            Path script = dir.resolve("trace.js");
            Files.writeString(script, """
                    const tls = require('tls'), fs = require('fs');
                    const c = tls.connect({port: %d, host: '127.0.0.1', servername: 'localhost',
                        ca: fs.readFileSync('%s'), enableTrace: true}, () => c.end());
                    c.resume();
                    """.formatted(port, dir.resolve("ca.pem")));
            ExternalProcess.Separated node = ExternalProcess.runSeparately(dir, WAIT, List.of("node", script.toString()));
            assertEquals(0, node.exitCode(), node.describe());
            for (String marker : List.of("Sent Record", "Received Record", "ClientHello", "ServerHello",
                    "EncryptedExtensions", "Finished", "Content Type = ApplicationData (23)")) {
                assertTrue(node.stderr().contains(marker), "Node's trace has " + marker);
                assertTrue(jtls.contains(marker), "jtls's trace has " + marker + ":\n" + jtls);
            }
            // The first record, byte for byte the same format: OpenSSL's SSL_trace in both.
            assertEquals(firstLines(node.stderr(), 4), firstLines(jtls, 4));
        }
    }

    private static List<String> firstLines(String trace, int n) {
        return trace.lines().dropWhile(l -> !l.equals("Sent Record")).limit(n).toList();
    }

    @Test
    void sharedSigalgsAreNamedAsNodeNamesThem(@TempDir Path dir) throws Exception {
        writePki(dir);
        Path script = dir.resolve("sigalgs.js");
        Files.writeString(script, """
                const tls = require('tls'), fs = require('fs');
                const d = process.argv[2];
                const srv = tls.createServer({key: fs.readFileSync(d + '/server.key'), cert: fs.readFileSync(d + '/server.pem'),
                    requestCert: true, rejectUnauthorized: false}, (s) => {
                  console.log('server ' + JSON.stringify(s.getSharedSigalgs()));
                  s.resume();
                });
                srv.listen(0, '127.0.0.1', () => console.log('port ' + srv.address().port));
                let n = 0;
                process.stdin.on('data', (b) => {
                  const c = tls.connect({port: +b.toString().trim(), host: '127.0.0.1', rejectUnauthorized: false}, () => {
                    console.log('client' + (++n) + ' ' + JSON.stringify(c.getSharedSigalgs()));
                    c.end();
                  });
                });
                """);
        CompletableFuture<List<String>> accepted = new CompletableFuture<>();
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).requestCert(true).rejectUnauthorized(false).build(), s -> {
            s.resume();
            accepted.complete(s.getSharedSigalgs()); // on the loop, before the Node client ends the connection
        });
        int jtlsPort = listen(server);
        try (Closing closing = closing(server);
             ExternalProcess node = ExternalProcess.start(List.of("node", script.toString(), dir.toString()))) {
            int nodePort = Integer.parseInt(node.awaitLine(l -> l.startsWith("port "), WAIT).substring(5));
            node.write(nodePort + "\n"); // Node with Node: the reference lists
            String nodeServer = node.awaitLine(l -> l.startsWith("server "), WAIT).substring(7);
            String nodeClient = node.awaitLine(l -> l.startsWith("client1 "), WAIT).substring(8);
            node.write(jtlsPort + "\n"); // a Node client to the jtls server
            node.awaitLine(l -> l.startsWith("client2 "), WAIT);
            assertEquals(nodeServer, json(await(accepted)));
            // a jtls client to the Node server, which asks for a certificate: the client has the list too
            CompletableFuture<Void> secure = new CompletableFuture<>();
            TlsSocket client = Tls.connect(clientTo(nodePort).rejectUnauthorized(false).build(), null, () -> secure.complete(null));
            await(secure);
            assertEquals(nodeClient, json(client.getSharedSigalgs()));
            assertTrue(client.getSharedSigalgs().contains("ECDSA+SHA256"));
            client.destroy();
            eventually("destroyed", client::destroyed);
            assertNull(client.getSharedSigalgs(), "Node: null once the handle is gone");
        }
    }

    private static String json(List<String> names) {
        return names.stream().map(n -> "\"" + n + "\"").collect(java.util.stream.Collectors.joining(",", "[", "]"));
    }

    @Test
    void certificatesAsTheJdksX509Certificate() throws Exception {
        CompletableFuture<TlsSocket> accepted = new CompletableFuture<>();
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).build(), s -> {
            s.pipe(s);
            accepted.complete(s);
        });
        int port = listen(server);
        try (Closing closing = closing(server)) {
            java.util.concurrent.atomic.AtomicReference<Object> beforeHandshake = new java.util.concurrent.atomic.AtomicReference<>("unset");
            CompletableFuture<Void> secure = new CompletableFuture<>();
            CompletableFuture<Boolean> closed = new CompletableFuture<>();
            TlsSocket client = Tls.connect(clientTo(port).build(), s -> {
                beforeHandshake.set(s.getPeerX509Certificate()); // the setup hook runs before the connection starts
                s.on(io.jtls.net.Duplex.CLOSE, closed::complete);
            }, () -> secure.complete(null));
            Client c = new Client(client, null, secure);
            await(c.secure());
            assertNull(beforeHandshake.get(), "nothing before the handshake");
            X509Certificate peer = c.socket().getPeerX509Certificate();
            assertArrayEquals(SERVER_EC.certificateDer(), peer.getEncoded());
            assertTrue(peer.getSubjectX500Principal().getName().contains("CN=localhost"));
            // It plugs into the JDK's PKI: the signature checks out with the issuer's key.
            X509Certificate intermediate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(INTERMEDIATE.certificateDer()));
            peer.verify(intermediate.getPublicKey());
            assertNull(c.socket().getX509Certificate(), "a client without a certificate (Node: undefined)");
            TlsSocket serverSocket = await(accepted);
            assertArrayEquals(SERVER_EC.certificateDer(), serverSocket.getX509Certificate().getEncoded());
            assertArrayEquals(SERVER_EC.certificateDer(), serverSocket.getX509CertificateAsync().get().getEncoded());
            assertNull(serverSocket.getPeerX509Certificate(), "no client certificate was asked for");
            c.socket().destroy();
            await(closed);
            assertNull(c.socket().getPeerX509Certificate(), "null once destroyed");
            assertNull(c.socket().getX509Certificate());
        }
    }
}
