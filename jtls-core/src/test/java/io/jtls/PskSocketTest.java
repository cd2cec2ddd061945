package io.jtls;

import static io.jtls.TlsTesting.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jtls.error.TlsException;
import io.jtls.net.DuplexPair;
import io.jtls.net.EventEmitter;
import io.jtls.net.EventLoopGroup;
import io.jtls.support.NativeLeakCheck;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PSK through the public API, jtls on both ends: what Node's {@code onPskServerCallback} /
 * {@code onPskClientCallback} check, the default {@code checkServerIdentity} with no server
 * certificate (Node v20: TLS 1.2 fails with ERR_TLS_CERT_ALTNAME_INVALID, TLS 1.3 looks like a
 * resumption and is not checked), and a callback that touches its socket from inside OpenSSL.
 */
class PskSocketTest {
    @RegisterExtension
    final NativeLeakCheck leaks = NativeLeakCheck.eventually();

    private static final byte[] KEY = new byte[16];

    static {
        Arrays.fill(KEY, (byte) 1);
    }

    private static TlsServerOptions.Builder pskServer(String version, PskServerCallback callback) {
        return TlsServerOptions.builder().ciphers("PSK-AES128-GCM-SHA256").minVersion(version).maxVersion(version)
                .pskCallback(callback);
    }

    private static TlsConnectOptions.Builder pskClient(int port, String version, PskClientCallback callback) {
        return TlsConnectOptions.builder().host("127.0.0.1").port(port).ciphers("PSK-AES128-GCM-SHA256")
                .minVersion(version).maxVersion(version).pskCallback(callback);
    }

    /** The server's tlsClientError, and the client's error, for one connection. */
    private record Failure(Throwable server, Throwable client) {}

    private static Failure fail(TlsServerOptions serverOptions, String version, PskClientCallback client) {
        CompletableFuture<Throwable> serverError = new CompletableFuture<>();
        TlsServer server = Tls.createServer(serverOptions, s -> serverError.completeExceptionally(new AssertionError("secure")));
        server.on(TlsServer.TLS_CLIENT_ERROR, (error, socket) -> serverError.complete(error));
        try (Closing c = closing(server)) {
            Client connected = connect(pskClient(listen(server), version, client)
                    .checkServerIdentity((host, cert) -> null).build());
            return new Failure(await(serverError), await(connected.events().error));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void defaultIdentityCheckWithoutACertificateAsNode(String version) {
        // The server keeps the connection open: the snapshot getters read null once a socket is destroyed.
        TlsServer server = Tls.createServer(pskServer(version, (socket, identity) -> KEY).build(), s -> { });
        try (Closing c = closing(server)) {
            Client client = connect(pskClient(listen(server), version, hint -> new PskIdentity(KEY, "x")).build());
            if (version.equals("TLSv1.2")) {
                Throwable e = await(client.events().error);
                assertEquals("ERR_TLS_CERT_ALTNAME_INVALID", code(e));
                assertEquals("Hostname/IP does not match certificate's altnames: IP: 127.0.0.1 is not in the cert's list: ",
                        e.getMessage());
            } else {
                await(client.secure());
                assertTrue(client.socket().authorized());
                assertTrue(client.socket().isSessionReused(), "TLS 1.3 PSK looks like a resumption, as in Node");
                client.socket().destroy();
                await(client.events().closed);
            }
        }
    }

    @Test
    void anOverlongKeyIsNodesInvalidArgValue() {
        Failure f = fail(pskServer("TLSv1.2", (socket, identity) -> new byte[513]).build(), "TLSv1.2",
                hint -> new PskIdentity(KEY, "x"));
        assertEquals("ERR_INVALID_ARG_VALUE", code(f.server()));
        assertEquals("The argument 'psk' Pre-shared key exceeds 512 bytes. Received 513 bytes", f.server().getMessage());
        assertEquals("ECONNRESET", code(f.client()), "no alert, as Node destroys the socket inside the callback");
    }

    @Test
    void anOverlongIdentityIsRefusedOnTheClient() {
        Failure f = fail(pskServer("TLSv1.2", (socket, identity) -> KEY).build(), "TLSv1.2",
                hint -> new PskIdentity(KEY, "i".repeat(257)));
        assertEquals("ERR_INVALID_ARG_VALUE", code(f.client()));
        assertTrue(f.client().getMessage().startsWith("The argument 'identity' PSK identity exceeds 256 bytes."),
                f.client().getMessage());
    }

    @Test
    void aMissingKeyIsNodesInvalidArgType() {
        Failure f = fail(pskServer("TLSv1.2", (socket, identity) -> KEY).build(), "TLSv1.2",
                hint -> new PskIdentity(null, "x"));
        assertEquals("ERR_INVALID_ARG_TYPE", code(f.client()));
    }

    @Test
    void anOverlongHintFailsWhenTheServerIsMade() {
        TlsServerOptions options = pskServer("TLSv1.2", (socket, identity) -> KEY).pskIdentityHint("h".repeat(257)).build();
        TlsException e = assertThrows(TlsException.class, () -> Tls.createServer(options));
        assertEquals("ERR_TLS_PSK_SET_IDENTIY_HINT_FAILED", e.code()); // Node's spelling
    }

    @Test
    void theCallbackMayUseItsSocketButDestroyWaitsForOpenSsl() {
        CompletableFuture<String> seen = new CompletableFuture<>();
        Failure f = fail(pskServer("TLSv1.2", (socket, identity) -> {
            // Inside OpenSSL: properties can be read, a write is queued, destroy() takes effect after OpenSSL returns.
            seen.complete(socket.isServer() + " " + socket.secureEstablished() + " " + socket.getTLSTicket());
            socket.write("queued");
            socket.destroy();
            return KEY;
        }).build(), "TLSv1.2", hint -> new PskIdentity(KEY, "x"));
        assertEquals("true false null", await(seen), "a server socket, not established yet, its engine readable");
        assertEquals("ECONNRESET", code(f.server()), "the server socket was destroyed: 'socket hang up'");
        assertNotNull(f.client());
    }

    @Test
    void tlsSocketsMadeDirectlyTakeTheCallbacksToo() {
        // Node's new TLSSocket(socket, {isServer, pskCallback, pskIdentityHint, ALPNCallback}), over an in-memory pair.
        DuplexPair wire = new DuplexPair(EventLoopGroup.defaultGroup().next());
        CompletableFuture<String> serverSecure = new CompletableFuture<>();
        CompletableFuture<String> clientSecure = new CompletableFuture<>();
        List<String> hints = new CopyOnWriteArrayList<>();
        wire.first().loop().execute(() -> {
            TlsSocket server = new TlsSocket(wire.first(), TlsSocketOptions.builder().isServer(true)
                    .ciphers("PSK-AES128-GCM-SHA256").maxVersion("TLSv1.2").pskIdentityHint("who?")
                    .pskCallback((socket, identity) -> "me".equals(identity) ? KEY : null)
                    .alpnCallback((servername, protocols) -> protocols.getFirst()).build());
            server.on(TlsSocket.SECURE, () -> serverSecure.complete(server.getCipher().name() + " " + server.alpnProtocol()));
            TlsSocket client = new TlsSocket(wire.second(), TlsSocketOptions.builder().alpnProtocols("x", "y")
                    .ciphers("PSK-AES128-GCM-SHA256").pskCallback(h -> {
                        hints.add(String.valueOf(h));
                        return new PskIdentity(KEY, "me");
                    }).build());
            client.on(TlsSocket.SECURE, () -> {
                clientSecure.complete(client.getCipher().name() + " " + client.alpnProtocol());
                client.destroy();
                server.destroy();
            });
        });
        assertEquals("PSK-AES128-GCM-SHA256 x", await(serverSecure));
        assertEquals("PSK-AES128-GCM-SHA256 x", await(clientSecure));
        // A client that may speak TLS 1.3 is asked while its ClientHello is built (no hint), and
        // again with the hint once the server chose TLS 1.2 (OpenSSL's order, Node's too).
        assertEquals(List.of("null", "who?"), hints);
        assertThrows(IllegalArgumentException.class,
                () -> TlsSocketOptions.builder().pskCallback((socket, identity) -> KEY).build(), "a client with a server's callback");
    }

    @Test
    void aSocketErrorListenerSeesTheClientCallbacksException() {
        TlsServer server = Tls.createServer(pskServer("TLSv1.3", (socket, identity) -> KEY).build(), s -> s.end());
        try (Closing c = closing(server)) {
            RuntimeException thrown = new IllegalStateException("no key here");
            Client client = connect(pskClient(listen(server), "TLSv1.3", hint -> {
                throw thrown;
            }).build()); // listeners in place before the handshake starts
            assertSame(thrown, await(client.events().error));
        }
    }
}
