package io.jtls;

import static io.jtls.TlsTesting.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jtls.context.Constants;
import io.jtls.net.EventLoopGroup;
import io.jtls.net.Socket;
import io.jtls.support.ManualClock;
import io.jtls.support.NativeLeakCheck;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * No handshake state without a way out (issue 11): whatever a handshake waits for — an
 * application callback that never answers, or a peer that stops half-way through a
 * renegotiation — the handshake timeout ends the connection and frees everything. The server's
 * loop runs on a {@link ManualClock}: the timeout fires when the test moves time, not after a
 * real wait.
 */
class HandshakeBoundsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension
    final NativeLeakCheck nativeLeaks = NativeLeakCheck.eventually();

    /** The application callbacks a server handshake may wait for. */
    enum Callback { SNI_CALLBACK, RESUME_SESSION, NEW_SESSION, OCSP_REQUEST }

    @ParameterizedTest
    @EnumSource(Callback.class)
    void aCallbackThatNeverAnswersEndsAtTheHandshakeTimeout(Callback callback) {
        CompletableFuture<Void> asked = new CompletableFuture<>();
        try (ManualClock clock = new ManualClock()) {
            EventLoopGroup loops = clock.group("bounds-server", 1);
            TlsServerOptions.Builder options = serverWith(SERVER_EC).handshakeTimeout(TIMEOUT).group(loops)
                    .maxVersion("TLSv1.2").secureOptions(Constants.SSL_OP_NO_TICKET);
            if (callback == Callback.SNI_CALLBACK) {
                options.sniCallback((name, cb) -> asked.complete(null)); // cb kept by nobody
            }
            TlsServer server = Tls.createServer(options.build(), echo());
            switch (callback) {
                // A TLS 1.3-capable client sends a random legacy session id, which a TLS 1.2 server looks up.
                case RESUME_SESSION -> server.on(TlsServer.RESUME_SESSION, (id, cb) -> asked.complete(null));
                case NEW_SESSION -> server.on(TlsServer.NEW_SESSION, (id, data, done) -> asked.complete(null));
                case OCSP_REQUEST -> server.on(TlsServer.OCSP_REQUEST, (cert, issuer, cb) -> asked.complete(null));
                default -> { }
            }
            List<String> clientErrors = new CopyOnWriteArrayList<>();
            server.on(TlsServer.TLS_CLIENT_ERROR, (error, socket) -> clientErrors.add(code(error)));
            int port = listen(server);
            try (Closing closing = closing(server)) {
                Client client = connect(clientTo(port).requestOCSP(callback == Callback.OCSP_REQUEST).build());
                await(asked);
                clock.advance(TIMEOUT.minusSeconds(1));
                assertEquals(List.of(), clientErrors, "still waiting for the " + callback);
                clock.advance(Duration.ofSeconds(1));
                eventually("handshake timeout reported", () -> clientErrors.equals(List.of("ERR_TLS_HANDSHAKE_TIMEOUT")));
                await(client.events().closed);
                assertFalse(client.secure().isDone());
                eventually("no connection left", () -> connections(server) == 0);
            }
        }
    }

    private static int connections(TlsServer server) {
        CompletableFuture<Integer> count = new CompletableFuture<>();
        server.getConnections((error, n) -> count.complete(n));
        return await(count);
    }

    /** The server renegotiates; the client stopped reading and never answers its HelloRequest. */
    @Test
    void aRenegotiationThePeerNeverAnswersEndsAtTheHandshakeTimeout() {
        try (ManualClock clock = new ManualClock()) {
            CompletableFuture<TlsSocket> accepted = new CompletableFuture<>();
            TlsServer server = Tls.createServer(serverWith(SERVER_EC).handshakeTimeout(TIMEOUT)
                    .group(clock.group("bounds-server", 1)).maxVersion("TLSv1.2").build(), accepted::complete);
            int port = listen(server);
            try (Closing closing = closing(server)) {
                Client client = connect(clientTo(port).build());
                await(client.secure());
                client.socket().pause(); // established: the transport stops being read
                TlsSocket serverSocket = await(accepted);
                Recorder serverEvents = new Recorder(serverSocket);
                assertTrue(serverSocket.renegotiate(e -> { }));
                clock.advance(TIMEOUT.minusSeconds(1));
                assertFalse(serverSocket.destroyed(), "the renegotiation still has time");
                clock.advance(Duration.ofSeconds(1));
                assertEquals("ERR_TLS_HANDSHAKE_TIMEOUT", code(await(serverEvents.error)));
                await(serverEvents.closed);
                client.socket().destroy();
            }
        }
    }

    /** The client renegotiates, then stops reading: the server waits for the rest of its handshake. */
    @Test
    void aPeersRenegotiationThatStallsEndsAtTheHandshakeTimeout() {
        try (ManualClock clock = new ManualClock()) {
            CompletableFuture<TlsSocket> accepted = new CompletableFuture<>();
            TlsServer server = Tls.createServer(serverWith(SERVER_EC).handshakeTimeout(TIMEOUT)
                    .group(clock.group("bounds-server", 1)).maxVersion("TLSv1.2").build(), accepted::complete);
            CompletableFuture<Socket> raw = new CompletableFuture<>();
            server.on(TlsServer.CONNECTION, raw::complete);
            int port = listen(server);
            try (Closing closing = closing(server)) {
                Client client = connect(clientTo(port).build());
                await(client.secure());
                TlsSocket serverSocket = await(accepted);
                Recorder serverEvents = new Recorder(serverSocket);
                long readBefore = readOnLoop(await(raw));
                CompletableFuture<Boolean> started = new CompletableFuture<>();
                client.socket().loop().execute(() -> {
                    // One loop task: the ClientHello goes out, and the server's answer is never read.
                    started.complete(client.socket().renegotiate(e -> { }));
                    client.socket().pause();
                });
                assertTrue(await(started));
                // The ClientHello was read (and, in the same loop task, the renegotiation began).
                eventually("the server read the ClientHello", () -> readOnLoop(await(raw)) > readBefore);
                clock.advance(TIMEOUT.minusSeconds(1));
                assertFalse(serverSocket.destroyed(), "the renegotiation still has time");
                clock.advance(Duration.ofSeconds(1));
                assertEquals("ERR_TLS_HANDSHAKE_TIMEOUT", code(await(serverEvents.error)));
                await(serverEvents.closed);
                client.socket().destroy();
            }
        }
    }

    /** The raw socket's bytesRead, read on its loop (after whatever the loop is doing). */
    private static long readOnLoop(Socket raw) {
        CompletableFuture<Long> read = new CompletableFuture<>();
        raw.loop().execute(() -> read.complete(raw.bytesRead()));
        return await(read);
    }
}
