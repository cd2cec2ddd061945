package io.jtls.interop;

import static io.jtls.interop.InteropCerts.*;
import static io.jtls.interop.JtlsPeer.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jtls.Tls;
import io.jtls.TlsConnectOptions;
import io.jtls.TlsSocket;
import io.jtls.net.Duplex;
import io.jtls.net.EventEmitter;
import io.jtls.net.Socket;
import io.jtls.support.NativeLeakCheck;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A jtls client ({@link Tls#connect}) and Node v20's {@code tls.createServer} (node/tls-server.js). */
class NodeServerInteropTest {
    @TempDir
    static Path dir;
    static Path rootCa;
    static PemFiles serverEc;
    static PemFiles serverRsa;
    static PemFiles alpha;
    static PemFiles beta;
    static PemFiles client;

    @RegisterExtension
    final NativeLeakCheck nativeLeaks = NativeLeakCheck.eventually();

    @BeforeAll
    static void writePems() {
        rootCa = writeCa(dir, "root", ROOT);
        serverEc = write(dir, "server-ec", SERVER_EC);
        serverRsa = write(dir, "server-rsa", SERVER_RSA);
        alpha = write(dir, "alpha", ALPHA);
        beta = write(dir, "beta", BETA);
        client = write(dir, "client", CLIENT);
    }

    /** tls-server.js with {@code pems}, plus more options. */
    private static NodePeer nodeServer(PemFiles pems, Object... more) {
        return NodePeer.server(Config.with(Config.of("key", pems.key(), "cert", pems.cert()), more));
    }

    /** tls-client.js to the same server, trusting the interop root, name "localhost". */
    private static NodePeer nodeClient(int port, Object... more) {
        return NodePeer.client(Config.with(Config.of("port", port, "ca", rootCa, "servername", "localhost"), more));
    }

    /** What the jtls client reported at 'secureConnect', read in the listener (on its loop). */
    record ClientView(boolean authorized, String protocol, String cipher, String peerCn, String alpn) {
        static ClientView of(TlsSocket s) {
            var peer = s.getPeerCertificate();
            return new ClientView(s.authorized(), s.getProtocol(), s.getCipher().name(),
                    peer == null ? null : peer.subject().get("CN"), s.alpnProtocol());
        }
    }

    /** Connects with {@code options}; the future completes at 'secureConnect' (or fails at 'error'). */
    private static CompletableFuture<ClientView> connect(TlsConnectOptions options, java.util.function.Consumer<TlsSocket> then) {
        CompletableFuture<ClientView> view = new CompletableFuture<>();
        JtlsPeer.connect(options, s -> {
            s.on(TlsSocket.SECURE_CONNECT, () -> {
                view.complete(ClientView.of(s));
                if (then != null) {
                    then.accept(s);
                }
            });
            s.on(EventEmitter.ERROR, view::completeExceptionally);
        });
        return view;
    }

    /** The error a jtls client gets from {@code options}, after which it closes. */
    private static Throwable connectFailure(TlsConnectOptions options) {
        CompletableFuture<Throwable> error = new CompletableFuture<>();
        CompletableFuture<Boolean> closed = new CompletableFuture<>();
        JtlsPeer.connect(options, socket -> {
            socket.on(TlsSocket.SECURE_CONNECT, () -> error.completeExceptionally(new AssertionError("secureConnect")));
            socket.on(EventEmitter.ERROR, error::complete);
            socket.on(io.jtls.net.Duplex.CLOSE, closed::complete);
        });
        Throwable e = await(error);
        assertTrue(await(closed), "closed with hadError");
        return e;
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"TLSv1.3, EC", "TLSv1.3, RSA", "TLSv1.2, EC", "TLSv1.2, RSA"})
    void handshakeAndEcho(String version, String keyType) {
        try (NodePeer node = nodeServer(keyType.equals("EC") ? serverEc : serverRsa, "maxVersion", version, "mode", "echo")) {
            CompletableFuture<Sink> sink = new CompletableFuture<>();
            ClientView view = await(connect(clientTo(node.port()).build(), s -> {
                sink.complete(new Sink(s));
                s.end("hello from jtls");
            }));
            Map<String, Object> secure = node.await("secureConnection");
            assertEquals(version, secure.get("protocol"));
            String cipher = (String) ((Map<?, ?>) secure.get("cipher")).get("name");
            assertEquals(new ClientView(true, version, cipher, "localhost", null), view);
            if (version.equals("TLSv1.2")) {
                assertTrue(cipher.startsWith(keyType.equals("EC") ? "ECDHE-ECDSA-" : "ECDHE-RSA-"), cipher);
            }
            assertEquals("localhost", secure.get("servername"), "SNI sent");
            assertEquals(false, secure.get("authorized"));
            assertEquals("hello from jtls", await(await(sink).done).text());
            assertEquals(NodeClientInteropTest.sha256Hex("hello from jtls"), node.await("received").get("sha256"));
        }
    }

    /**
     * A Node server that requests client certificates, without requiring them: it sees the jtls
     * client exactly as it sees a Node client with the same certificate.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"TLSv1.3", "TLSv1.2"})
    void clientCertificateRequested(String version) {
        PemFiles untrusted = write(dir, "untrusted", UNTRUSTED_LEAF);
        List<PemFiles> certs = java.util.Arrays.asList(client, null, untrusted);
        try (NodePeer node = nodeServer(serverEc, "ca", rootCa, "requestCert", true, "rejectUnauthorized", false,
                "maxVersion", version)) {
            int n = 0;
            for (PemFiles cert : certs) {
                Object[] nodeCert = cert == null ? new Object[0] : new Object[] {"cert", cert.cert(), "key", cert.key()};
                try (NodePeer nodeClient = nodeClient(node.port(), nodeCert)) {
                    nodeClient.await("close");
                }
                Map<String, Object> byNode = node.await("secureConnection", ++n);
                TlsConnectOptions.Builder options = clientTo(node.port());
                if (cert != null) {
                    options.cert(cert.cert()).key(cert.key());
                }
                CompletableFuture<Sink> sink = new CompletableFuture<>();
                await(connect(options.build(), s -> {
                    sink.complete(new Sink(s));
                    s.end();
                }));
                await(await(sink).done);
                Map<String, Object> byJtls = node.await("secureConnection", ++n);
                for (String key : List.of("authorized", "authorizationError", "peerSubject", "protocol")) {
                    assertEquals(byNode.get(key), byJtls.get(key), key + " for " + cert);
                }
            }
            assertEquals(true, node.await("secureConnection", 1).get("authorized"));
        }
    }

    /** Required client certificates, missing or untrusted: the jtls client fails with the Node client's code. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"TLSv1.3, none", "TLSv1.3, untrusted", "TLSv1.2, none", "TLSv1.2, untrusted"})
    void clientCertificateRequiredAndRejected(String version, String presented) {
        PemFiles untrusted = write(dir, "untrusted", UNTRUSTED_LEAF);
        try (NodePeer node = nodeServer(serverEc, "ca", rootCa, "requestCert", true, "rejectUnauthorized", true,
                "maxVersion", version)) {
            Object[] nodeCert = presented.equals("none") ? new Object[0]
                    : new Object[] {"cert", untrusted.cert(), "key", untrusted.key()};
            Map<String, Object> nodeSaw;
            try (NodePeer nodeClient = nodeClient(node.port(), nodeCert)) {
                nodeSaw = nodeClient.awaitAny("error", "close");
                nodeClient.await("close");
            }
            TlsConnectOptions.Builder options = clientTo(node.port());
            if (!presented.equals("none")) {
                options.cert(untrusted.cert()).key(untrusted.key());
            }
            CompletableFuture<Object> outcome = new CompletableFuture<>();
            // As Node's side is read (the first of 'error' and 'close'): a reset before the
            // handshake completed is 'end' then 'error', as in Node.
            JtlsPeer.connect(options.build(), socket -> {
                socket.on(EventEmitter.ERROR, outcome::complete);
                socket.on(Duplex.CLOSE, hadError -> outcome.complete("end"));
            });
            Object jtlsSaw = await(outcome);
            if ("error".equals(nodeSaw.get("event"))) {
                assertInstanceOf(Throwable.class, jtlsSaw, "Node's client failed with " + nodeSaw);
                assertEquals(nodeSaw.get("code"), code((Throwable) jtlsSaw));
            } else {
                assertEquals("end", jtlsSaw, "Node's client just saw the connection close: " + nodeSaw);
            }
        }
    }

    @Test
    void alpnAgreementAndMismatch() {
        try (NodePeer node = nodeServer(serverEc, "ALPNProtocols", List.of("h2", "http/1.1"))) {
            ClientView view = await(connect(clientTo(node.port()).alpnProtocols("http/1.1", "h2").build(), TlsSocket::end));
            assertEquals("h2", view.alpn(), "the server's preference");
            assertEquals("h2", node.await("secureConnection").get("alpnProtocol"));
            view = await(connect(clientTo(node.port()).alpnProtocols("http/1.1").build(), TlsSocket::end));
            assertEquals("http/1.1", view.alpn());

            Map<String, Object> nodeSaw;
            try (NodePeer nodeClient = nodeClient(node.port(), "ALPNProtocols", List.of("spdy/3"))) {
                nodeSaw = nodeClient.await("error");
            }
            Throwable jtlsSaw = connectFailure(clientTo(node.port()).alpnProtocols("spdy/3").build());
            assertEquals(nodeSaw.get("code"), code(jtlsSaw));
        }
    }

    /**
     * SNI against a Node server, with {@code addContext} and with an asynchronous
     * {@code SNICallback}: the jtls client gets the certificate a Node client gets for the same
     * name. (alpha.test is EC like the default certificate; beta.test is RSA, for which a Node
     * server still answers with its default EC certificate when the client prefers ECDSA:
     * Node's {@code UseSNIContext} adds the SNI certificate next to the default one.)
     */
    @Test
    void sniSelectsTheNodeServersContextAsForANodeClient() {
        Map<String, Object> contexts = Config.of(
                "alpha.test", Config.of("key", alpha.key(), "cert", alpha.cert()),
                "beta.test", Config.of("key", beta.key(), "cert", beta.cert()));
        try (NodePeer byAddContext = nodeServer(serverEc, "sniContexts", contexts);
             NodePeer byCallback = nodeServer(serverEc, "sniCallback", Config.of("delayMs", 30, "contexts", contexts))) {
            for (NodePeer node : List.of(byAddContext, byCallback)) {
                for (String name : List.of("alpha.test", "beta.test", "unknown.test")) {
                    Map<String, Object> nodeSaw;
                    try (NodePeer nodeClient = nodeClient(node.port(), "servername", name, "rejectUnauthorized", false)) {
                        nodeSaw = nodeClient.await("secureConnect");
                        nodeClient.await("close");
                    }
                    ClientView view = await(connect(clientTo(node.port()).servername(name).rejectUnauthorized(false)
                            .build(), TlsSocket::end));
                    assertEquals(((Map<?, ?>) nodeSaw.get("peerSubject")).get("CN"), view.peerCn(), name);
                    assertEquals(nodeSaw.get("authorized"), view.authorized(), name);
                    if (!name.equals("beta.test")) {
                        assertEquals(name.equals("alpha.test") ? "alpha.test" : "localhost", view.peerCn());
                    }
                }
            }
            assertEquals(List.of("alpha.test", "alpha.test", "beta.test", "beta.test", "unknown.test", "unknown.test"),
                    byCallback.events("sniCallback").stream().map(e -> e.get("servername")).toList());
        }
    }

    @Test
    void largeTransferToNodeServer() {
        try (NodePeer node = nodeServer(serverEc)) {
            CompletableFuture<Source> source = new CompletableFuture<>();
            await(connect(clientTo(node.port()).build(), s -> source.complete(new Source(s, 32L * MIB, true).start())));
            Map<String, Object> received = node.await("received");
            assertEquals((long) 32 * MIB, received.get("bytes"));
            assertEquals(await(await(source).sent), received.get("sha256"));
        }
    }

    @Test
    void largeTransferFromNodeServer() {
        try (NodePeer node = nodeServer(serverRsa, "mode", "source", "bytes", 32 * MIB)) {
            CompletableFuture<Sink> sink = new CompletableFuture<>();
            await(connect(clientTo(node.port()).build(), s -> sink.complete(new Sink(s))));
            Received received = await(await(sink).done);
            Map<String, Object> sent = node.await("sent");
            assertEquals(32L * MIB, received.bytes());
            assertEquals(sent.get("sha256"), received.sha256());
        }
    }

    @Test
    void halfCloseThenTheNodeServerAnswers() {
        try (NodePeer node = nodeServer(serverEc, "allowHalfOpen", true, "mode", "reply")) {
            CompletableFuture<Sink> sink = new CompletableFuture<>();
            await(connect(clientTo(node.port()).build(), s -> {
                sink.complete(new Sink(s));
                s.end("question");
            }));
            Received answer = await(await(sink).done);
            assertEquals("8:" + NodeClientInteropTest.sha256Hex("question"), answer.text());
        }
    }

    @Test
    void backpressureWhileTheNodeServerIsPaused() {
        try (NodePeer node = nodeServer(serverEc, "pauseOnSecure", true)) {
            CompletableFuture<Source> source = new CompletableFuture<>();
            await(connect(clientTo(node.port()).build(), s -> source.complete(new Source(s, 32L * MIB, true).start())));
            Source writer = await(source);
            long plateau = NodeClientInteropTest.awaitPlateau(writer.written::get);
            assertTrue(plateau < 32L * MIB, "the writer waits for 'drain': " + plateau);
            assertTrue(writer.drainWaits.get() > 0);
            node.command("resume");
            Map<String, Object> received = node.await("received");
            assertEquals((long) 32 * MIB, received.get("bytes"));
            assertEquals(await(writer.sent), received.get("sha256"));
        }
    }

    @Test
    void backpressureWhileTheJtlsClientIsPaused() {
        try (NodePeer node = nodeServer(serverEc, "mode", "source", "bytes", 32 * MIB)) {
            CompletableFuture<Sink> sink = new CompletableFuture<>();
            CompletableFuture<TlsSocket> socket = new CompletableFuture<>();
            await(connect(clientTo(node.port()).build(), s -> {
                s.pause();
                sink.complete(new Sink(s));
                socket.complete(s);
            }));
            TlsSocket client = await(socket);
            long plateau = NodeClientInteropTest.awaitPlateau(((Socket) client.transport())::bytesRead);
            assertTrue(plateau < 16L * MIB, "the transport stopped reading: " + plateau);
            assertEquals(0, await(sink).bytes.get(), "no 'data' while paused");
            assertTrue(node.events("sent").isEmpty(), "the Node server is held back");
            client.resume();
            Received received = await(await(sink).done);
            assertEquals(32L * MIB, received.bytes());
            assertEquals(node.await("sent").get("sha256"), received.sha256());
        }
    }
}
