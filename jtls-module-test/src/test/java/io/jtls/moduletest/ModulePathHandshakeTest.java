package io.jtls.moduletest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.Tls;
import io.jtls.TlsConnectOptions;
import io.jtls.TlsServer;
import io.jtls.TlsServerOptions;
import io.jtls.TlsSocket;
import io.jtls.error.TlsException;
import io.jtls.net.Duplex;
import io.jtls.net.EventEmitter;
import io.jtls.pki.HeldCertificate;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Handshakes, echo, resumption and a verification failure through the public API only, from a
 * module that requires io.jtls, with native access granted to io.jtls alone and denied elsewhere.
 */
@Timeout(60)
class ModulePathHandshakeTest {
    private static final HeldCertificate ROOT = HeldCertificate.builder().commonName("Module Test Root")
            .certificateAuthority(0).build();
    private static final HeldCertificate SERVER = HeldCertificate.builder().commonName("localhost")
            .addSubjectAltName("localhost").signedBy(ROOT).build();
    private static TlsServer server;
    private static int port;

    @BeforeAll
    static void listen() throws Exception {
        server = Tls.createServer(TlsServerOptions.builder().cert(SERVER.chainPem()).key(SERVER.privateKeyPem())
                .alpnProtocols("h2", "http/1.1").build(), socket -> socket.pipe(socket));
        CompletableFuture<Integer> listening = new CompletableFuture<>();
        server.once(EventEmitter.ERROR, listening::completeExceptionally);
        server.listen(0, "127.0.0.1", () -> listening.complete(server.address().port()));
        port = listening.get(15, TimeUnit.SECONDS);
    }

    @AfterAll
    static void close() throws Exception {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        server.close(e -> closed.complete(null));
        closed.get(15, TimeUnit.SECONDS);
    }

    @Test
    void nativeAccessIsGrantedToJtlsAloneAndDeniedToOtherModules() {
        assertTrue(Tls.class.getModule().isNamed());
        assertTrue(Tls.class.getModule().isNativeAccessEnabled(), "--enable-native-access=io.jtls");
        assertFalse(getClass().getModule().isNativeAccessEnabled());
        // --illegal-native-access=deny: without the grant, jtls's own calls would fail like this one.
        try (Arena arena = Arena.ofConfined()) {
            assertThrows(IllegalCallerException.class, () -> SymbolLookup.libraryLookup("libc.so.6", arena));
        }
    }

    @Test
    void echoesOverTlsAndResumesTheSession() throws Exception {
        Connection first = connect(TlsConnectOptions.builder().host("127.0.0.1").servername("localhost").port(port)
                .ca(ROOT.certificatePem()).alpnProtocols("h2").build());
        assertEquals("hello from a module", first.echo("hello from a module"));
        assertEquals("TLSv1.3", first.socket.getProtocol());
        assertEquals("h2", first.socket.alpnProtocol());
        assertTrue(first.socket.authorized());
        assertArrayEquals(SERVER.certificateDer(), first.socket.getPeerCertificate().raw());
        assertFalse(first.socket.isSessionReused());
        byte[] session = first.session.get(15, TimeUnit.SECONDS);
        first.close();

        Connection second = connect(TlsConnectOptions.builder().host("127.0.0.1").servername("localhost").port(port)
                .ca(ROOT.certificatePem()).session(session).build());
        assertEquals("again", second.echo("again"));
        assertTrue(second.socket.isSessionReused(), "resumed with the session from the first connection");
        second.close();
    }

    @Test
    void anUntrustedServerFailsWithNodesErrorCode() throws Exception {
        CompletableFuture<Throwable> failed = new CompletableFuture<>();
        Tls.connect(TlsConnectOptions.builder().host("127.0.0.1").servername("localhost").port(port).build(),
                s -> s.on(EventEmitter.ERROR, failed::complete), null);
        Throwable error = failed.get(15, TimeUnit.SECONDS);
        TlsException tls = assertInstanceOf(error);
        assertEquals("UNABLE_TO_VERIFY_LEAF_SIGNATURE", tls.code());
    }

    private static TlsException assertInstanceOf(Throwable error) {
        assertTrue(error instanceof TlsException, String.valueOf(error));
        return (TlsException) error;
    }

    private static Connection connect(TlsConnectOptions options) throws Exception {
        Connection c = new Connection(options);
        c.secure.get(15, TimeUnit.SECONDS);
        return c;
    }

    /** A client connection recorded from its first event. */
    private static final class Connection {
        final CompletableFuture<Void> secure = new CompletableFuture<>();
        final CompletableFuture<byte[]> session = new CompletableFuture<>();
        final CompletableFuture<Boolean> closed = new CompletableFuture<>();
        final StringBuilder received = new StringBuilder();
        final TlsSocket socket;

        Connection(TlsConnectOptions options) {
            socket = Tls.connect(options, s -> {
                s.on(TlsSocket.SECURE_CONNECT, () -> secure.complete(null));
                s.on(TlsSocket.SESSION, session::complete);
                s.on(EventEmitter.ERROR, e -> {
                    secure.completeExceptionally(e);
                    session.completeExceptionally(e);
                });
                s.on(Duplex.DATA, data -> {
                    synchronized (received) {
                        received.append(StandardCharsets.UTF_8.decode(data));
                        received.notifyAll();
                    }
                });
                s.on(Duplex.CLOSE, closed::complete);
            }, null);
        }

        String echo(String text) throws InterruptedException {
            socket.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            synchronized (received) {
                while (received.length() < text.length() && System.nanoTime() < deadline) received.wait(100);
                String got = received.toString();
                received.setLength(0);
                return got;
            }
        }

        void close() throws Exception {
            socket.end();
            assertNotNull(closed.get(15, TimeUnit.SECONDS));
        }
    }
}
