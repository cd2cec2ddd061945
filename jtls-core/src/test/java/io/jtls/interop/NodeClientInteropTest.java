package io.jtls.interop;

import static io.jtls.interop.InteropCerts.*;
import static io.jtls.interop.JtlsPeer.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jtls.SecureContext;
import io.jtls.Tls;
import io.jtls.TlsServer;
import io.jtls.TlsServerOptions;
import io.jtls.TlsSocket;
import io.jtls.context.SecureContextOptions;
import io.jtls.net.Socket;
import io.jtls.pki.HeldCertificate;
import io.jtls.support.NativeLeakCheck;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A jtls server and Node v20's {@code tls.connect} as the client (node/tls-client.js). */
class NodeClientInteropTest {
    @TempDir
    static Path dir;
    static Path rootCa;
    static PemFiles client;
    static PemFiles untrustedClient;

    @RegisterExtension
    final NativeLeakCheck nativeLeaks = NativeLeakCheck.eventually();

    @BeforeAll
    static void writePems() {
        rootCa = writeCa(dir, "root", ROOT);
        client = write(dir, "client", CLIENT);
        untrustedClient = write(dir, "untrusted", UNTRUSTED_LEAF);
    }

    /** tls-client.js to 127.0.0.1:port, trusting the interop root, name "localhost". */
    private static Map<String, Object> nodeClient(int port, Object... more) {
        return Config.with(Config.of("port", port, "ca", rootCa, "servername", "localhost"), more);
    }

    private static TlsServer start(TlsServerOptions options, Consumer<TlsSocket> onSecure) {
        return Tls.createServer(options, onSecure);
    }

    /** What the server side reported, read in its 'secureConnection' listener (on its loop). */
    record ServerView(String protocol, String cipher, boolean authorized, String servername, String alpn) {
        static ServerView of(TlsSocket s) {
            return new ServerView(s.getProtocol(), s.getCipher().name(), s.authorized(), s.servername(), s.alpnProtocol());
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"TLSv1.3, EC", "TLSv1.3, RSA", "TLSv1.2, EC", "TLSv1.2, RSA"})
    void handshakeAndEcho(String version, String keyType) {
        HeldCertificate cert = keyType.equals("EC") ? SERVER_EC : SERVER_RSA;
        CompletableFuture<ServerView> accepted = new CompletableFuture<>();
        TlsServer server = start(serverWith(cert).maxVersion(version).build(), s -> {
            accepted.complete(ServerView.of(s));
            s.pipe(s);
        });
        try (NodePeer node = NodePeer.client(nodeClient(listen(server), "send", "hello from node"))) {
            Map<String, Object> secure = node.await("secureConnect");
            assertEquals(true, secure.get("authorized"), node.output());
            assertEquals(version, secure.get("protocol"));
            String cipher = (String) ((Map<?, ?>) secure.get("cipher")).get("name");
            if (version.equals("TLSv1.2")) {
                assertTrue(cipher.startsWith(keyType.equals("EC") ? "ECDHE-ECDSA-" : "ECDHE-RSA-"), cipher);
            }
            assertEquals("localhost", ((Map<?, ?>) secure.get("peerSubject")).get("CN"));
            ServerView serverSide = await(accepted);
            assertEquals(new ServerView(version, cipher, false, "localhost", null), serverSide,
                    "no client certificate was requested");
            Map<String, Object> received = node.await("received");
            assertEquals(15L, received.get("bytes"));
            assertEquals(sha256Hex("hello from node"), received.get("sha256"));
            node.await("close");
        } finally {
            close(server);
        }
    }

    /** A client certificate as the server saw it: authorized, authorizationError, the peer's CN. */
    record ClientCertView(boolean authorized, String authorizationError, String peerCn) {
        static ClientCertView of(TlsSocket s) {
            var peer = s.getPeerCertificate();
            return new ClientCertView(s.authorized(), s.authorizationError(), peer == null ? null : peer.subject().get("CN"));
        }
    }

    /**
     * Requested, not required: a trusted certificate is authorized; none, or an untrusted one, is
     * accepted unauthorized with the reason a Node server gives for the same client.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"TLSv1.3", "TLSv1.2"})
    void clientCertificateRequested(String version) {
        PemFiles serverPems = write(dir, "server-ec", SERVER_EC);
        List<Object[]> clientCerts = List.of(new Object[] {"cert", client.cert(), "key", client.key()},
                new Object[0], new Object[] {"cert", untrustedClient.cert(), "key", untrustedClient.key()});
        java.util.concurrent.BlockingQueue<ClientCertView> views = new java.util.concurrent.LinkedBlockingQueue<>();
        TlsServer server = start(serverWith(SERVER_EC).requestCert(true).rejectUnauthorized(false)
                .ca(ROOT.certificatePem()).maxVersion(version).build(), s -> {
                    views.add(ClientCertView.of(s));
                    s.end("hi");
                });
        int port = listen(server);
        try (NodePeer nodeServer = NodePeer.server(Config.of("key", serverPems.key(), "cert", serverPems.cert(),
                "ca", rootCa, "requestCert", true, "rejectUnauthorized", false, "maxVersion", version))) {
            for (int i = 0; i < clientCerts.size(); i++) {
                Map<String, Object> nodeView;
                try (NodePeer node = NodePeer.client(nodeClient(nodeServer.port(), clientCerts.get(i)))) {
                    node.await("secureConnect");
                    nodeView = nodeServer.await("secureConnection", i + 1);
                    node.await("close");
                }
                try (NodePeer node = NodePeer.client(nodeClient(port, clientCerts.get(i)))) {
                    assertEquals(true, node.await("secureConnect").get("authorized"));
                    ClientCertView view = views.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    Object peerSubject = nodeView.get("peerSubject");
                    assertEquals(new ClientCertView((Boolean) nodeView.get("authorized"),
                            (String) nodeView.get("authorizationError"),
                            peerSubject == null ? null : (String) ((Map<?, ?>) peerSubject).get("CN")), view,
                            "client " + i + ", as the Node server saw it: " + nodeView);
                    node.await("close");
                }
            }
            assertEquals("interop client", ((Map<?, ?>) nodeServer.await("secureConnection", 1).get("peerSubject")).get("CN"));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        } finally {
            close(server);
        }
    }

    /**
     * Required client certificates, missing or untrusted: the Node client must see the same
     * failure from the jtls server as from a Node server configured alike, and the jtls server's
     * {@code tlsClientError} must carry the Node server's code.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"TLSv1.3, none", "TLSv1.3, untrusted", "TLSv1.2, none", "TLSv1.2, untrusted"})
    void clientCertificateRequiredAndRejectedAsNodeDoes(String version, String presented) {
        Object[] clientCert = presented.equals("none") ? new Object[0]
                : new Object[] {"cert", untrustedClient.cert(), "key", untrustedClient.key()};
        PemFiles serverPems = write(dir, "server-ec", SERVER_EC);

        Map<String, Object> nodeSaw;
        Map<String, Object> nodeServerSaw;
        try (NodePeer nodeServer = NodePeer.server(Config.of("key", serverPems.key(), "cert", serverPems.cert(),
                "ca", rootCa, "requestCert", true, "rejectUnauthorized", true, "maxVersion", version));
             NodePeer node = NodePeer.client(nodeClient(nodeServer.port(), clientCert))) {
            nodeSaw = node.awaitAny("error", "close");
            nodeServerSaw = nodeServer.await("tlsClientError");
        }

        CompletableFuture<Throwable> clientError = new CompletableFuture<>();
        TlsServer server = start(serverWith(SERVER_EC).requestCert(true).ca(ROOT.certificatePem())
                .maxVersion(version).build(), s -> s.end("should not be sent"));
        server.on(TlsServer.TLS_CLIENT_ERROR, (e, s) -> clientError.complete(e));
        try (NodePeer node = NodePeer.client(nodeClient(listen(server), clientCert))) {
            Map<String, Object> jtlsSaw = node.awaitAny("error", "close");
            assertEquals(nodeSaw.get("event"), jtlsSaw.get("event"), node.output());
            assertEquals(nodeSaw.get("code"), jtlsSaw.get("code"), node.output());
            assertEquals(nodeServerSaw.get("code"), code(await(clientError)));
            node.await("close");
            assertTrue(node.events("data").isEmpty());
        } finally {
            close(server);
        }
    }

    @Test
    void alpnAgreementAndMismatchAsNodeServer() {
        CompletableFuture<ServerView> accepted = new CompletableFuture<>();
        TlsServer server = start(serverWith(SERVER_EC).alpnProtocols("h2", "http/1.1").build(), s -> {
            accepted.complete(ServerView.of(s));
            s.end();
        });
        int port = listen(server);
        try {
            try (NodePeer node = NodePeer.client(nodeClient(port, "ALPNProtocols", List.of("http/1.1", "h2")))) {
                assertEquals("h2", node.await("secureConnect").get("alpnProtocol"), "the server's preference");
                assertEquals("h2", await(accepted).alpn());
                node.await("close");
            }
            try (NodePeer node = NodePeer.client(nodeClient(port, "ALPNProtocols", List.of("http/1.1")))) {
                assertEquals("http/1.1", node.await("secureConnect").get("alpnProtocol"));
                node.await("close");
            }
            try (NodePeer node = NodePeer.client(nodeClient(port))) {
                assertEquals(false, node.await("secureConnect").get("alpnProtocol"), "Node's false: none offered");
                node.await("close");
            }

            PemFiles pems = write(dir, "server-ec", SERVER_EC);
            Map<String, Object> nodeSaw;
            Map<String, Object> nodeServerSaw;
            try (NodePeer nodeServer = NodePeer.server(Config.of("key", pems.key(), "cert", pems.cert(),
                    "ALPNProtocols", List.of("h2", "http/1.1")));
                 NodePeer node = NodePeer.client(nodeClient(nodeServer.port(), "ALPNProtocols", List.of("spdy/3")))) {
                nodeSaw = node.awaitAny("error", "secureConnect");
                nodeServerSaw = nodeServer.await("tlsClientError");
            }
            CompletableFuture<Throwable> clientError = new CompletableFuture<>();
            server.on(TlsServer.TLS_CLIENT_ERROR, (e, s) -> clientError.complete(e));
            try (NodePeer node = NodePeer.client(nodeClient(port, "ALPNProtocols", List.of("spdy/3")))) {
                Map<String, Object> jtlsSaw = node.awaitAny("error", "secureConnect");
                assertEquals("error", nodeSaw.get("event"));
                assertEquals(nodeSaw.get("code"), jtlsSaw.get("code"), node.output());
                assertEquals(nodeServerSaw.get("code"), code(await(clientError)));
            }
        } finally {
            close(server);
        }
    }

    @Test
    void sniSelectsTheContextAddedForTheName() {
        TlsServer server = start(serverWith(SERVER_EC).build(), s -> s.end(s.servername() == null ? "-" : s.servername()));
        server.addContext("alpha.test", SecureContextOptions.builder().cert(ALPHA.chainPem()).key(ALPHA.privateKeyPem()).build());
        server.addContext("*.beta.test", SecureContextOptions.builder().cert(BETA.chainPem()).key(BETA.privateKeyPem()).build());
        server.addContext("beta.test", SecureContextOptions.builder().cert(BETA.chainPem()).key(BETA.privateKeyPem()).build());
        int port = listen(server);
        try {
            assertSniAnswer(port, "alpha.test", "alpha.test", true);
            assertSniAnswer(port, "beta.test", "beta.test", true);
            assertSniAnswer(port, "unknown.test", "localhost", false);
        } finally {
            close(server);
        }
    }

    @Test
    void asynchronousSniCallbackSelectsTheContext() {
        SecureContext alpha = Tls.createSecureContext(SecureContextOptions.builder().cert(ALPHA.chainPem())
                .key(ALPHA.privateKeyPem()).build());
        SecureContext beta = Tls.createSecureContext(SecureContextOptions.builder().cert(BETA.chainPem())
                .key(BETA.privateKeyPem()).build());
        Executor later = CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS);
        List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        TlsServer server = start(serverWith(SERVER_EC).sniCallback((name, cb) -> {
            asked.add(name);
            // completed later, from another thread
            later.execute(() -> cb.accept(null, name.equals("alpha.test") ? alpha : name.equals("beta.test") ? beta : null));
        }).build(), s -> s.end(s.servername()));
        int port = listen(server);
        try {
            assertSniAnswer(port, "beta.test", "beta.test", true);
            assertSniAnswer(port, "alpha.test", "alpha.test", true);
            assertSniAnswer(port, "unknown.test", "localhost", false);
            assertEquals(List.of("beta.test", "alpha.test", "unknown.test"), asked);
        } finally {
            close(server);
            alpha.close();
            beta.close();
        }
    }

    /** A Node client asking for {@code servername}: the certificate's CN and what the server read as SNI. */
    private static void assertSniAnswer(int port, String servername, String expectedCn, boolean authorized) {
        // beta.test's certificate is RSA beside the default EC one: the client accepts RSA only,
        // so the SNI context's certificate is the one that fits (as against a Node server).
        String sigalgs = servername.equals("beta.test") ? "rsa_pss_rsae_sha256:rsa_pkcs1_sha256"
                : "ecdsa_secp256r1_sha256:rsa_pss_rsae_sha256:rsa_pkcs1_sha256";
        try (NodePeer node = NodePeer.client(nodeClient(port, "servername", servername, "rejectUnauthorized", false,
                "printData", true, "sigalgs", sigalgs))) {
            Map<String, Object> secure = node.await("secureConnect");
            assertEquals(expectedCn, ((Map<?, ?>) secure.get("peerSubject")).get("CN"), servername);
            assertEquals(authorized, secure.get("authorized"), servername + ": " + secure.get("authorizationError"));
            assertEquals(servername, node.await("data").get("text"), "the server's servername");
            node.await("close");
        }
    }

    @Test
    void largeTransferFromNodeClient() {
        CompletableFuture<Sink> sink = new CompletableFuture<>();
        TlsServer server = start(serverWith(SERVER_EC).build(), s -> sink.complete(new Sink(s)));
        try (NodePeer node = NodePeer.client(nodeClient(listen(server), "sendBytes", 32 * MIB))) {
            Map<String, Object> sent = node.await("sent");
            Received received = await(await(sink).done);
            assertEquals(32L * MIB, received.bytes());
            assertEquals(sent.get("sha256"), received.sha256());
        } finally {
            close(server);
        }
    }

    @Test
    void largeTransferToNodeClient() {
        CompletableFuture<Source> source = new CompletableFuture<>();
        TlsServer server = start(serverWith(SERVER_RSA).build(),
                s -> source.complete(new Source(s, 32L * MIB, true).start()));
        try (NodePeer node = NodePeer.client(nodeClient(listen(server), "endImmediately", false))) {
            Map<String, Object> received = node.await("received");
            assertEquals((long) 32 * MIB, received.get("bytes"));
            assertEquals(await(await(source).sent), received.get("sha256"));
        } finally {
            close(server);
        }
    }

    @Test
    void halfCloseFromNodeClientThenServerAnswers() {
        TlsServer server = start(serverWith(SERVER_EC).allowHalfOpen(true).build(), s -> {
            Sink sink = new Sink(s);
            sink.done.thenAccept(r -> s.end("got " + r.bytes() + " bytes: " + r.text()));
        });
        try (NodePeer node = NodePeer.client(nodeClient(listen(server), "send", "question", "printData", true))) {
            assertEquals("got 8 bytes: question", node.await("data").get("text"));
            node.await("received");
            node.await("close");
        } finally {
            close(server);
        }
    }

    @Test
    void backpressureWhileTheJtlsServerIsPaused() {
        CompletableFuture<TlsSocket> accepted = new CompletableFuture<>();
        CompletableFuture<Sink> sink = new CompletableFuture<>();
        TlsServer server = start(serverWith(SERVER_EC).build(), s -> {
            s.pause();
            sink.complete(new Sink(s)); // a 'data' listener does not restart a paused stream
            accepted.complete(s);
        });
        try (NodePeer node = NodePeer.client(nodeClient(listen(server), "sendBytes", 32 * MIB))) {
            TlsSocket serverSide = await(accepted);
            Socket raw = (Socket) serverSide.transport();
            long plateau = awaitPlateau(raw::bytesRead);
            assertTrue(plateau < 16L * MIB, "the transport stopped reading: " + plateau);
            assertEquals(0, await(sink).bytes.get(), "no 'data' while paused");
            assertTrue(node.events("sent").isEmpty(), "the Node client is held back");
            serverSide.resume();
            Map<String, Object> sent = node.await("sent");
            Received received = await(await(sink).done);
            assertEquals(32L * MIB, received.bytes());
            assertEquals(sent.get("sha256"), received.sha256());
        } finally {
            close(server);
        }
    }

    @Test
    void backpressureWhileTheNodeClientIsPaused() {
        CompletableFuture<Source> source = new CompletableFuture<>();
        TlsServer server = start(serverWith(SERVER_EC).build(),
                s -> source.complete(new Source(s, 32L * MIB, true).start()));
        try (NodePeer node = NodePeer.client(nodeClient(listen(server), "endImmediately", false, "pauseOnSecure", true))) {
            Source writer = await(source);
            long plateau = awaitPlateau(writer.written::get);
            assertTrue(plateau < 32L * MIB, "the writer waits for 'drain': " + plateau);
            assertTrue(writer.drainWaits.get() > 0);
            assertFalse(writer.sent.isDone());
            node.command("resume");
            Map<String, Object> received = node.await("received");
            assertEquals((long) 32 * MIB, received.get("bytes"));
            assertEquals(await(writer.sent), received.get("sha256"));
        } finally {
            close(server);
        }
    }

    /**
     * Waits until {@code counter} has not moved for 300 ms (the peer is blocked) and returns its value.
     * Used only to observe a stall that the test then asserts on; never for ordering.
     */
    static long awaitPlateau(java.util.function.LongSupplier counter) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        long last = counter.getAsLong();
        long stableSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            sleepMillis(20);
            long now = counter.getAsLong();
            if (now != last || now == 0) {
                last = now;
                stableSince = System.nanoTime();
            } else if (System.nanoTime() - stableSince > TimeUnit.MILLISECONDS.toNanos(300)) {
                return now;
            }
        }
        throw new AssertionError("the counter never settled: " + last);
    }

    static String sha256Hex(String text) {
        var digest = sha256();
        digest.update(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return hex(digest);
    }

}
