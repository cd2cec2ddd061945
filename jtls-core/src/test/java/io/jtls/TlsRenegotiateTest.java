package io.jtls;

import static io.jtls.TlsTesting.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jtls.error.OpenSslException;
import io.jtls.internal.openssl.NativeKind;
import io.jtls.net.Duplex;
import io.jtls.support.ExternalProcess;
import io.jtls.support.NativeLeakCheck;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code renegotiate()} as Node does it (TLS 1.2): {@code 'secure'} again on both ends, a client
 * certificate requested by the renegotiation and verified, and TLS 1.3's refusal with Node's
 * error; against jtls, Node on both ends and {@code openssl s_client}'s {@code R} command.
 */
class TlsRenegotiateTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    /** A TLS 1.2 echo server; each accepted socket counts the 'secure' events after 'secureConnection'. */
    private record Served(TlsServer server, CompletableFuture<TlsSocket> socket, AtomicInteger laterSecure) {}

    private static Served served(TlsServerOptions.Builder options) {
        CompletableFuture<TlsSocket> accepted = new CompletableFuture<>();
        AtomicInteger laterSecure = new AtomicInteger();
        TlsServer server = Tls.createServer(options.maxVersion("TLSv1.2").build(), socket -> {
            socket.on(TlsSocket.SECURE, laterSecure::incrementAndGet);
            socket.pipe(socket);
            accepted.complete(socket);
        });
        return new Served(server, accepted, laterSecure);
    }

    /** A jtls client that counts its 'secure' events from the first. */
    private record Counted(TlsSocket socket, AtomicInteger secure, CompletableFuture<Void> connected,
                           StringBuilder data) {
        String received() {
            synchronized (data) {
                return data.toString();
            }
        }
    }

    private static Counted connectCounting(TlsConnectOptions options) {
        AtomicInteger secure = new AtomicInteger();
        CompletableFuture<Void> connected = new CompletableFuture<>();
        StringBuilder data = new StringBuilder();
        TlsSocket socket = Tls.connect(options, s -> {
            s.on(TlsSocket.SECURE, secure::incrementAndGet);
            s.on(Duplex.DATA, buf -> {
                synchronized (data) {
                    data.append(utf8(buf));
                }
            });
        }, () -> connected.complete(null));
        return new Counted(socket, secure, connected, data);
    }

    /** Renegotiates on the socket's loop thread or any other; completes with the callback's argument. */
    private static CompletableFuture<Throwable> renegotiate(TlsSocket socket, boolean requestCert, boolean rejectUnauthorized,
                                                            boolean[] started) {
        CompletableFuture<Throwable> done = new CompletableFuture<>();
        started[0] = socket.renegotiate(requestCert, rejectUnauthorized, e -> done.complete(e == null ? new Success() : e));
        return done;
    }

    /** Stands for the callback's null. */
    private static final class Success extends Throwable {
        Success() {
            super("ok", null, false, false);
        }
    }

    @Test
    void aJtlsClientRenegotiatesWithAJtlsServer() {
        long nativeStart = NativeLeakCheck.settledLiveTotal();
        Served served = served(serverWith(SERVER_EC));
        int port = listen(served.server());
        try (Closing closing = closing(served.server())) {
            Counted client = connectCounting(clientTo(port).build());
            await(client.connected());
            TlsSocket serverSocket = await(served.socket());
            byte[] before = client.socket().getFinished();
            assertEquals(1, client.secure().get());
            assertEquals("TLSv1.2", client.socket().getProtocol());

            boolean[] started = new boolean[1];
            Throwable outcome = await(renegotiate(client.socket(), false, true, started));
            assertTrue(started[0]);
            assertInstanceOf(Success.class, outcome, String.valueOf(outcome));
            assertEquals(2, client.secure().get(), "'secure' again, as Node emits it after each handshake");
            assertFalse(java.util.Arrays.equals(before, client.socket().getFinished()), "a new handshake, new Finished");
            assertTrue(client.socket().authorized(), "the first verification stands");

            client.socket().write("after".getBytes(StandardCharsets.UTF_8));
            eventually("echo after the renegotiation", () -> client.received().equals("after"));
            assertEquals(1, served.laterSecure().get(), "the server's socket saw the renegotiation complete");
            assertArrayEquals(client.socket().getFinished(), serverSocket.getPeerFinished());
            client.socket().end();
            eventually("client closed", client.socket()::destroyed);
        }
        eventually("natives freed", () -> NativeKind.liveTotal() == nativeStart);
    }

    @Test
    void aJtlsServerAsksForTheClientCertificateWhenItRenegotiates() {
        Served served = served(serverWith(SERVER_EC).ca(ROOT.certificatePem()));
        int port = listen(served.server());
        try (Closing closing = closing(served.server())) {
            Counted client = connectCounting(clientTo(port).cert(CLIENT.certificatePem()).key(CLIENT.privateKeyPem()).build());
            await(client.connected());
            TlsSocket serverSocket = await(served.socket());
            assertNull(serverSocket.getPeerCertificate(), "not requested by the first handshake");
            assertNull(serverSocket.getPeerX509Certificate());
            assertFalse(serverSocket.requestCert());

            boolean[] started = new boolean[1];
            CompletableFuture<Throwable> outcome = renegotiate(serverSocket, true, true, started);
            assertTrue(started[0]);
            assertInstanceOf(Success.class, await(outcome));
            assertTrue(serverSocket.requestCert(), "Node's _requestCert follows the renegotiation's options");
            assertTrue(serverSocket.authorized(), String.valueOf(serverSocket.authorizationError()));
            assertEquals("tls client", serverSocket.getPeerCertificate().subject().get("CN"));
            assertArrayEquals(CLIENT.certificateDer(), serverSocket.getPeerX509Certificate().getEncoded().clone());
            eventually("the client saw its second 'secure'", () -> client.secure().get() == 2);
            client.socket().write("x".getBytes(StandardCharsets.UTF_8));
            eventually("echo", () -> client.received().equals("x"));
            client.socket().end();
            eventually("client closed", client.socket()::destroyed);
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aClientWhoseCertificateFailsTheRenegotiationsCheckIsDropped() {
        Served served = served(serverWith(SERVER_EC).ca(ROOT.certificatePem()));
        int port = listen(served.server());
        try (Closing closing = closing(served.server())) {
            Counted client = connectCounting(clientTo(port).cert(UNTRUSTED_LEAF.certificatePem())
                    .key(UNTRUSTED_LEAF.privateKeyPem()).build());
            await(client.connected());
            TlsSocket serverSocket = await(served.socket());
            CompletableFuture<Boolean> serverClosed = new CompletableFuture<>();
            serverSocket.on(Duplex.CLOSE, serverClosed::complete);
            boolean[] started = new boolean[1];
            CompletableFuture<Throwable> outcome = renegotiate(serverSocket, true, true, started);
            // As Node: onServerSocketSecure destroys the socket, then the callback's 'secure' still fires.
            assertInstanceOf(Success.class, await(outcome));
            assertFalse(await(serverClosed), "destroyed without an error, as Node's this.destroy()");
            assertFalse(serverSocket.authorized());
            eventually("the client is closed", client.socket()::destroyed);
        }
    }

    @Test
    void opensslClientRenegotiatesWithItsRCommand() {
        Served served = served(serverWith(SERVER_EC));
        int port = listen(served.server());
        try (Closing closing = closing(served.server());
             ExternalProcess client = ExternalProcess.start(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
                     "-tls1_2", "-servername", "localhost"))) {
            client.awaitLine(line -> line.contains("Verify return code"), WAIT);
            TlsSocket serverSocket = await(served.socket());
            client.write("R\n");
            client.awaitLine(line -> line.contains("RENEGOTIATING"), WAIT);
            eventually("the server's 'secure' for the renegotiation", () -> served.laterSecure().get() == 1);
            client.write("ping\n");
            client.awaitLine(line -> line.equals("ping"), WAIT); // echoed through the renegotiated keys
            assertEquals("TLSv1.2", serverSocket.getProtocol());
        }
    }

    @Test
    void aJtlsServerRenegotiatesWithOpensslAndVerifiesItsCertificate(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("client.pem"), CLIENT.certificatePem());
        Files.writeString(dir.resolve("client.key"), CLIENT.privateKeyPem());
        Served served = served(serverWith(SERVER_EC).ca(ROOT.certificatePem()));
        int port = listen(served.server());
        try (Closing closing = closing(served.server());
             ExternalProcess client = ExternalProcess.start(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
                     "-tls1_2", "-cert", dir.resolve("client.pem").toString(), "-key", dir.resolve("client.key").toString()))) {
            client.awaitLine(line -> line.contains("Verify return code"), WAIT);
            TlsSocket serverSocket = await(served.socket());
            boolean[] started = new boolean[1];
            Throwable outcome = await(renegotiate(serverSocket, true, true, started));
            assertInstanceOf(Success.class, outcome, String.valueOf(outcome));
            assertTrue(serverSocket.authorized(), String.valueOf(serverSocket.authorizationError()));
            assertEquals("tls client", serverSocket.getPeerCertificate().subject().get("CN"));
            client.write("pong\n");
            client.awaitLine(line -> line.equals("pong"), WAIT);
        }
    }

    @Test
    void nodeOnBothEnds(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("ca.pem"), ROOT.certificatePem());
        Files.writeString(dir.resolve("server.pem"), SERVER_EC.chainPem());
        Files.writeString(dir.resolve("server.key"), SERVER_EC.privateKeyPem());
        Files.writeString(dir.resolve("client.pem"), CLIENT.certificatePem());
        Files.writeString(dir.resolve("client.key"), CLIENT.privateKeyPem());
        // A Node server that renegotiates with each client, asking for its certificate, and
        // reports its 'secure' events; a jtls client renegotiates with it in turn.
        Path script = dir.resolve("reneg-server.js");
        Files.writeString(script, """
                const tls = require('tls'), fs = require('fs');
                const {SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION} = require('crypto').constants;
                const d = process.argv[2];
                // Without this option the client resumes its session in the renegotiation and Node never sees its certificate.
                const srv = tls.createServer({key: fs.readFileSync(d + '/server.key'), cert: fs.readFileSync(d + '/server.pem'),
                    ca: fs.readFileSync(d + '/ca.pem'), maxVersion: 'TLSv1.2',
                    secureOptions: SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION}, (s) => {
                  let secure = 0;
                  s.on('secure', () => console.log('server secure ' + (++secure)));
                  s.on('data', (b) => s.write(b));
                  s.on('error', (e) => console.log('server error ' + e.code));
                  s.renegotiate({requestCert: true, rejectUnauthorized: true}, (err) => {
                    const cert = s.getPeerCertificate();
                    console.log('node reneg ' + (err ? err.code : 'ok') + ' ' + s.authorized + ' ' + (cert.subject || {}).CN);
                  });
                });
                srv.listen(0, '127.0.0.1', () => console.log('port ' + srv.address().port));
                """);
        try (ExternalProcess node = ExternalProcess.start(List.of("node", script.toString(), dir.toString()))) {
            int port = Integer.parseInt(node.awaitLine(line -> line.startsWith("port "), WAIT).substring(5));
            Counted client = connectCounting(clientTo(port).cert(CLIENT.certificatePem()).key(CLIENT.privateKeyPem())
                    .maxVersion("TLSv1.2").build());
            await(client.connected());
            assertEquals("node reneg ok true tls client", node.awaitLine(line -> line.startsWith("node reneg"), WAIT),
                    node.output());
            eventually("jtls's second 'secure'", () -> client.secure().get() == 2);
            node.awaitLine(line -> line.equals("server secure 1"), WAIT); // the server's renegotiation, seen by Node
            boolean[] started = new boolean[1];
            assertInstanceOf(Success.class, await(renegotiate(client.socket(), false, true, started)));
            node.awaitLine(line -> line.equals("server secure 2"), WAIT); // jtls's renegotiation, seen by Node
            assertEquals(3, client.secure().get());
            client.socket().write("both".getBytes(StandardCharsets.UTF_8));
            eventually("echo", () -> client.received().equals("both"));
            client.socket().end();
            eventually("client closed", client.socket()::destroyed);
        }
        // A Node client whose server (jtls) renegotiates, asking for its certificate.
        Served served = served(serverWith(SERVER_EC).ca(ROOT.certificatePem()));
        int port = listen(served.server());
        Path clientScript = dir.resolve("reneg-client.js");
        Files.writeString(clientScript, """
                const tls = require('tls'), fs = require('fs');
                const d = process.argv[2];
                let secure = 0;
                const c = tls.connect({port: +process.argv[3], host: '127.0.0.1', ca: fs.readFileSync(d + '/ca.pem'),
                    servername: 'localhost', key: fs.readFileSync(d + '/client.key'), cert: fs.readFileSync(d + '/client.pem')});
                c.on('secure', () => console.log('client secure ' + (++secure)));
                c.on('data', (b) => { console.log('client got ' + b); c.end(); });
                c.on('error', (e) => console.log('client error ' + e.code));
                c.on('close', () => console.log('closed'));
                process.stdin.on('data', (b) => {
                  if (b.toString().startsWith('reneg')) {
                    c.renegotiate({}, (err) => console.log('client reneg ' + (err ? err.code : 'ok')));
                  } else {
                    c.write('hi');
                  }
                });
                """);
        try (Closing closing = closing(served.server());
             ExternalProcess node = ExternalProcess.start(List.of("node", clientScript.toString(), dir.toString(), "" + port))) {
            node.awaitLine(line -> line.equals("client secure 1"), WAIT);
            TlsSocket serverSocket = await(served.socket());
            boolean[] started = new boolean[1];
            assertInstanceOf(Success.class, await(renegotiate(serverSocket, true, true, started)));
            assertTrue(serverSocket.authorized());
            assertEquals("tls client", serverSocket.getPeerCertificate().subject().get("CN"));
            node.awaitLine(line -> line.equals("client secure 2"), WAIT);
            assertEquals(1, served.laterSecure().get());
            node.write("reneg\n"); // and the Node client renegotiates: jtls's server socket emits 'secure' again
            node.awaitLine(line -> line.equals("client reneg ok"), WAIT);
            eventually("the jtls server's 'secure' for the client's renegotiation", () -> served.laterSecure().get() == 2);
            assertTrue(serverSocket.authorized(), "the client certificate is checked again");
            node.write("go\n");
            node.awaitLine(line -> line.equals("client got hi"), WAIT);
            node.awaitLine(line -> line.equals("closed"), WAIT);
        }
    }

    /** TLS 1.3 has no renegotiation: jtls's error is Node's, OpenSSL's full text included. */
    @Test
    void tls13RefusesWithNodesError(@TempDir Path dir) throws Exception {
        CompletableFuture<TlsSocket> accepted = new CompletableFuture<>();
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).build(), socket -> {
            socket.resume();
            accepted.complete(socket);
        });
        int port = listen(server);
        Path script = dir.resolve("reneg13.js");
        Files.writeString(script, """
                const tls = require('tls');
                const c = tls.connect({port: %d, host: '127.0.0.1', rejectUnauthorized: false}, () => {
                  const r = c.renegotiate({}, (err) => {
                    console.log('node ' + JSON.stringify([r, err.code, err.message, err.reason, err.library]));
                  });
                });
                c.on('error', (e) => console.log('client error ' + e.code));
                c.on('end', () => { console.log('client end'); c.end(); });
                """.formatted(port));
        try (Closing closing = closing(server); ExternalProcess node = ExternalProcess.start(List.of("node", script.toString()))) {
            String nodeLine = node.awaitLine(line -> line.startsWith("node "), WAIT);
            TlsSocket socket = await(accepted);
            assertEquals("TLSv1.3", socket.getProtocol());
            boolean[] started = new boolean[1];
            Throwable error = await(renegotiate(socket, false, false, started));
            OpenSslException e = assertInstanceOf(OpenSslException.class, error);
            String jtls = "node [false," + String.join(",", quote(e.code()), quote(e.getMessage()), quote(e.reason()),
                    quote(e.library())) + "]";
            assertEquals(nodeLine, jtls);
            assertFalse(started[0]);
            assertFalse(socket.destroyed(), "the connection goes on");
            socket.end();
            node.awaitLine(line -> line.equals("client end"), WAIT);
        }
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Test
    void beforeTheHandshakeItCannotStart() {
        Served served = served(serverWith(SERVER_EC));
        int port = listen(served.server());
        try (Closing closing = closing(served.server())) {
            CompletableFuture<Throwable> outcome = new CompletableFuture<>();
            boolean[] started = new boolean[1];
            TlsSocket socket = Tls.connect(clientTo(port).build(),
                    s -> started[0] = s.renegotiate(false, true, outcome::complete), null);
            assertFalse(started[0]);
            assertEquals("ERR_TLS_RENEGOTIATE", code(await(outcome)));
            socket.destroy();
        }
    }
}
