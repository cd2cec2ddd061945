package io.jtls;

import static io.jtls.TlsTesting.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jtls.context.SecureContextOptions;
import io.jtls.error.TlsArgumentException;
import io.jtls.error.TlsException;
import io.jtls.net.NetException;
import io.jtls.support.NativeLeakCheck;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** tls.Server: client errors with Node's codes, the handshake timeout, SNI, context swaps, ticket keys, close. */
class TlsServerTest {
    @RegisterExtension
    final NativeLeakCheck nativeLeaks = NativeLeakCheck.eventually();

    /** Records tlsClientError events as "code|message". */
    private static final class ClientErrors implements BiConsumer<Throwable, TlsSocket> {
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        final List<Boolean> socketDestroyed = new CopyOnWriteArrayList<>();

        @Override
        public void accept(Throwable error, TlsSocket socket) {
            errors.add(error);
            socketDestroyed.add(socket.destroyed());
        }

        Throwable next(int index) {
            eventually("tlsClientError #" + (index + 1), () -> errors.size() > index);
            return errors.get(index);
        }
    }

    /** A raw TCP client: sends {@code bytes}, optionally half-closes, then reads until the server closes. */
    private static byte[] rawExchange(int port, byte[] bytes, boolean shutdownOutput) throws Exception {
        try (java.net.Socket raw = new java.net.Socket()) {
            raw.connect(new InetSocketAddress("127.0.0.1", port));
            raw.setSoTimeout(10_000);
            OutputStream out = raw.getOutputStream();
            out.write(bytes);
            out.flush();
            if (shutdownOutput) {
                raw.shutdownOutput();
            }
            InputStream in = raw.getInputStream();
            try {
                return in.readAllBytes();
            } catch (java.net.SocketException reset) {
                return new byte[0];
            }
        }
    }

    @Test
    void badClientsGetNodesCodesWhileAnotherConnectionKeepsWorking() throws Exception {
        ClientErrors clientErrors = new ClientErrors();
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).build(), echo());
        server.on(TlsServer.TLS_CLIENT_ERROR, clientErrors);
        int port = listen(server);
        Client good = connect(clientTo(port).build());
        try {
            await(good.secure());
            good.socket().write("before ");

            byte[] httpAnswer = rawExchange(port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII), false);
            assertEquals("ERR_SSL_HTTP_REQUEST", code(clientErrors.next(0)));
            assertEquals(0, httpAnswer.length, "as Node: no alert for a peer that does not speak TLS");

            rawExchange(port, "\0\1\2\3\4\5\6\7garbage!!garbage!!garbage!!".getBytes(StandardCharsets.ISO_8859_1), false);
            assertEquals("ERR_SSL_WRONG_VERSION_NUMBER", code(clientErrors.next(1)));

            byte[] truncatedHello = {0x16, 0x03, 0x01, 0x01, 0x00, 0x01, 0x00, 0x00, (byte) 0xfc, 0x03, 0x03};
            rawExchange(port, truncatedHello, true);
            Throwable hangUp = clientErrors.next(2);
            assertEquals("ECONNRESET", code(hangUp));
            assertEquals("socket hang up", hangUp.getMessage());

            rawExchange(port, new byte[0], true);
            assertEquals("ECONNRESET", code(clientErrors.next(3)), "closing before any byte");

            // A peer that resets the connection mid-handshake.
            try (java.net.Socket raw = new java.net.Socket()) {
                raw.connect(new InetSocketAddress("127.0.0.1", port));
                raw.getOutputStream().write(truncatedHello);
                raw.setSoLinger(true, 0);
            }
            assertEquals("ECONNRESET", code(clientErrors.next(4)));
            assertTrue(clientErrors.socketDestroyed.stream().allMatch(d -> d), "each socket is destroyed");

            good.socket().end("after");
            await(good.events().closed);
            assertEquals("before after", good.events().data());
            assertEquals(5, clientErrors.errors.size());
        } finally {
            good.socket().destroy();
            close(server);
        }
    }

    @Test
    void handshakeTimeoutReportsNodesErrorAndDestroysTheSocket() throws Exception {
        ClientErrors clientErrors = new ClientErrors();
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).handshakeTimeout(Duration.ofMillis(200)).build());
        server.on(TlsServer.TLS_CLIENT_ERROR, clientErrors);
        int port = listen(server);
        try (java.net.Socket silent = new java.net.Socket()) {
            silent.connect(new InetSocketAddress("127.0.0.1", port));
            silent.setSoTimeout(10_000);
            long start = System.nanoTime();
            assertEquals(-1, silent.getInputStream().read(), "the server closes the connection");
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(elapsedMillis >= 150 && elapsedMillis < 5000, elapsedMillis + " ms");
            Throwable error = clientErrors.next(0);
            assertEquals("ERR_TLS_HANDSHAKE_TIMEOUT", code(error));
            assertEquals("TLS handshake timeout", error.getMessage());
            assertEquals(1, clientErrors.errors.size(), "reported once: no 'socket hang up' after it");
        } finally {
            close(server);
        }
    }

    @Test
    void sniSelectsContextsAddedForExactAndWildcardNames() {
        var exact = io.jtls.pki.HeldCertificate.builder().commonName("exact.test").addSubjectAltName("exact.test")
                .signedBy(ROOT).build();
        var wildcard = io.jtls.pki.HeldCertificate.builder().commonName("*.wild.test").addSubjectAltName("*.wild.test")
                .signedBy(ROOT).build();
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).build(), s -> s.end());
        server.addContext("exact.test", SecureContextOptions.builder().cert(exact.certificatePem())
                .key(exact.privateKeyPem()).build());
        server.addContext("*.wild.test", SecureContextOptions.builder().cert(wildcard.certificatePem())
                .key(wildcard.privateKeyPem()).build());
        int port = listen(server);
        try (Closing closing = closing(server)) {
            assertEquals("exact.test", peerNameFor(port, "exact.test"));
            assertEquals("*.wild.test", peerNameFor(port, "www.wild.test"));
            assertEquals("localhost", peerNameFor(port, "localhost"), "no match: the default context");
            assertEquals("localhost", peerNameFor(port, "a.b.wild.test"), "* does not cross a dot (Node's rule)");
            assertEquals("localhost", peerNameFor(port, "wild.test"));
            TlsException empty = assertThrows(TlsException.class, () -> server.addContext("", SecureContextOptions.DEFAULTS));
            assertEquals("ERR_TLS_REQUIRED_SERVER_NAME", empty.code());
        }
    }

    /** The CN of the certificate the server presents for {@code servername} (identity check skipped). */
    private static String peerNameFor(int port, String servername) {
        CompletableFuture<String> cn = new CompletableFuture<>();
        Client c = connect(TlsConnectOptions.builder().host("127.0.0.1").port(port).servername(servername)
                .rejectUnauthorized(false).build());
        // The connect helper's future, not a listener added now: on loopback 'secureConnect'
        // may already have been emitted.
        c.secure().thenRun(() -> cn.complete(c.socket().getPeerCertificate().subject().get("CN")));
        c.events().error.thenAccept(cn::completeExceptionally);
        String name = await(cn);
        await(c.events().closed);
        return name;
    }

    @Test
    void asyncSniCallbackCompletedFromAnotherThreadLater() {
        var other = io.jtls.pki.HeldCertificate.builder().commonName("async.test").addSubjectAltName("async.test")
                .signedBy(ROOT).build();
        SecureContext otherContext = Tls.createSecureContext(SecureContextOptions.builder().cert(other.certificatePem())
                .key(other.privateKeyPem()).build());
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        List<String> asked = new CopyOnWriteArrayList<>();
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).alpnProtocols("h2")
                .sniCallback((name, callback) -> {
                    asked.add(name + "@" + Thread.currentThread().getName().startsWith("jtls-loop"));
                    timer.schedule(() -> callback.accept(null, name.equals("async.test") ? otherContext : null),
                            100, TimeUnit.MILLISECONDS);
                }).build(), s -> s.end());
        int port = listen(server);
        try {
            CompletableFuture<String> cn = new CompletableFuture<>();
            Client c = connect(TlsConnectOptions.builder().host("127.0.0.1").port(port).servername("async.test")
                    .alpnProtocols("h2").ca(ROOT.certificatePem()).build());
            c.secure().thenRun(() -> cn.complete(c.socket().getPeerCertificate().subject().get("CN")
                    + "/" + c.socket().alpnProtocol()));
            c.events().error.thenAccept(cn::completeExceptionally);
            assertEquals("async.test/h2", await(cn), "switched context, ALPN still negotiated");
            assertTrue(c.socket().authorized());
            await(c.events().closed);
            assertEquals(List.of("async.test@true"), asked);
            assertEquals("localhost", peerNameFor(port, "unknown.test"));
        } finally {
            close(server);
            timer.shutdownNow();
            otherContext.close();
        }
    }

    @Test
    void sniCallbackErrorsAndDoubleCalls() {
        ClientErrors clientErrors = new ClientErrors();
        List<Throwable> socketErrors = new CopyOnWriteArrayList<>();
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).sniCallback((name, callback) -> {
            if (name.equals("fail.test")) {
                callback.accept(new TlsException("E_NO_CONTEXT", "no context for " + name), null);
            } else {
                callback.accept(null, null);
                callback.accept(null, null);
            }
        }).build(), s -> s.on(io.jtls.net.EventEmitter.ERROR, socketErrors::add));
        server.on(TlsServer.TLS_CLIENT_ERROR, clientErrors);
        int port = listen(server);
        try (Closing closing = closing(server)) {
            Client failing = connect(TlsConnectOptions.builder().host("127.0.0.1").port(port).servername("fail.test")
                    .rejectUnauthorized(false).build());
            assertEquals("E_NO_CONTEXT", code(clientErrors.next(0)));
            await(failing.events().closed);

            Client twice = connect(TlsConnectOptions.builder().host("127.0.0.1").port(port).servername("twice.test")
                    .rejectUnauthorized(false).build());
            await(twice.events().closed);
            eventually("ERR_MULTIPLE_CALLBACK", () -> clientErrors.errors.size() + socketErrors.size() >= 2);
            Throwable multiple = clientErrors.errors.size() > 1 ? clientErrors.errors.get(1) : socketErrors.get(0);
            assertEquals("ERR_MULTIPLE_CALLBACK", code(multiple));
            assertEquals("Callback called multiple times", multiple.getMessage());
        }
    }

    @Test
    void setSecureContextAffectsOnlyNewConnections() {
        List<TlsSocket> accepted = new CopyOnWriteArrayList<>();
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).build(), socket -> {
            accepted.add(socket);
            socket.pipe(socket);
        });
        int port = listen(server);
        try (Closing closing = closing(server)) {
            Client before = connect(clientTo(port).build());
            await(before.secure());
            assertEquals("prime256v1", before.socket().getPeerCertificate().asn1Curve());

            server.setSecureContext(SecureContextOptions.builder().cert(SERVER_RSA.chainPem()).key(SERVER_RSA.privateKeyPem()).build());
            Client after = connect(clientTo(port).build());
            await(after.secure());
            assertEquals(2048, after.socket().getPeerCertificate().bits());
            assertNull(after.socket().getPeerCertificate().asn1Curve());

            before.socket().end("still here");
            after.socket().end("new");
            await(before.events().closed);
            await(after.events().closed);
            assertEquals("still here", before.events().data(), "the open connection was not disturbed");
            assertEquals("new", after.events().data());
        }
    }

    @Test
    void ticketKeysAre48BytesAndSettable() {
        byte[] keys = new byte[48];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = (byte) i;
        }
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).ticketKeys(keys).build());
        try {
            assertArrayEquals(keys, server.getTicketKeys());
            byte[] other = new byte[48];
            java.util.Arrays.fill(other, (byte) 7);
            server.setTicketKeys(other);
            assertArrayEquals(other, server.getTicketKeys());
            TlsArgumentException bad = assertThrows(TlsArgumentException.class, () -> server.setTicketKeys(new byte[47]));
            assertEquals("ERR_INVALID_ARG_VALUE", bad.code());
            TlsServer random = Tls.createServer(serverWith(SERVER_EC).build());
            assertEquals(48, random.getTicketKeys().length);
            assertFalse(java.util.Arrays.equals(random.getTicketKeys(), server.getTicketKeys()));
            close(random);
        } finally {
            close(server);
        }
    }

    @Test
    void closeStopsAcceptingAndEmitsCloseAfterTheLastConnection() {
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).build(), echo());
        int port = listen(server);
        Client open = connect(clientTo(port).build());
        await(open.secure());
        CompletableFuture<Throwable> closed = new CompletableFuture<>();
        server.close(closed::complete);
        eventually("not listening", () -> !server.listening());

        Client refused = connect(clientTo(port).build());
        Throwable error = await(refused.events().error);
        assertEquals("ECONNREFUSED", code(error));
        assertInstanceOf(NetException.class, error);

        assertFalse(closed.isDone(), "'close' waits for the open connection");
        AtomicInteger count = new AtomicInteger(-1);
        server.getConnections((e, n) -> count.set(n));
        eventually("getConnections", () -> count.get() == 1);
        assertEquals(1, server.connections(), "deprecated, still works (warns once)");
        open.socket().end("bye");
        await(open.events().closed);
        assertEquals("bye", open.events().data());
        assertNull(await(closed));

        // Listening again rebuilds the contexts with the same ticket keys.
        byte[] keys = server.getTicketKeys();
        int again = listen(server);
        assertArrayEquals(keys, server.getTicketKeys());
        Client second = connect(clientTo(again).build());
        await(second.secure());
        second.socket().end();
        await(second.events().closed);
        close(server);
    }

    @Test
    void closingANeverListeningServerReportsNotRunningAndFreesItsContext() {
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).build());
        CompletableFuture<Throwable> closed = new CompletableFuture<>();
        server.close(closed::complete);
        assertEquals("ERR_SERVER_NOT_RUNNING", code(await(closed)));
    }

    @Test
    void badServerOptionsFailAtCreation() {
        TlsArgumentException e = assertThrows(TlsArgumentException.class,
                () -> Tls.createServer(TlsServerOptions.builder().minVersion("TLSv9").build()));
        assertEquals("ERR_TLS_INVALID_PROTOCOL_VERSION", e.code());
    }

    @Test
    void connectionEventGivesTheRawSocketFirst() {
        List<String> order = new CopyOnWriteArrayList<>();
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).build(), s -> {
            order.add("secureConnection");
            s.end();
        });
        server.on(TlsServer.CONNECTION, raw -> order.add("connection:" + raw.getClass().getSimpleName()));
        int port = listen(server);
        try (Closing closing = closing(server)) {
            Client c = connect(clientTo(port).build());
            await(c.events().closed);
            assertEquals(List.of("connection:Socket", "secureConnection"), order);
        }
    }

    @Test
    void unixDomainSocket() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("jtls");
        java.nio.file.Path path = dir.resolve("tls.sock");
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).build(), s -> s.end("over unix"));
        CompletableFuture<Void> listening = new CompletableFuture<>();
        server.listen(path, () -> listening.complete(null));
        await(listening);
        try {
            Client c = connect(TlsConnectOptions.builder().path(path).servername("localhost").ca(ROOT.certificatePem()).build());
            await(c.events().closed);
            assertEquals("over unix", c.events().data());
            assertTrue(c.socket().authorized());
        } finally {
            close(server);
            java.nio.file.Files.deleteIfExists(path);
            java.nio.file.Files.deleteIfExists(dir);
        }
    }
}
