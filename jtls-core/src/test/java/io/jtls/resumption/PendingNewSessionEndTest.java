package io.jtls.resumption;

import static io.jtls.resumption.Resumption.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jtls.Tls;
import io.jtls.TlsServer;
import io.jtls.TlsSocket;
import io.jtls.context.Constants;
import io.jtls.net.Duplex;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * TLS 1.3 stateful resumption ({@code SSL_OP_NO_TICKET}) with an asynchronous session store (as
 * {@code jtls serve --no-tickets --session-store redis://...}): the server stores the new
 * stateful ticket after the client's Finished, and a client that ends right after its resumed
 * handshake ends while that {@code 'newSession'} is still outstanding. As in Node, whose
 * handshake-done callback does not wait for {@code 'newSession'} ({@code 'secureConnection'}
 * comes before it), the server's connection is established then: the client's end is an
 * ordinary {@code 'end'}, not a {@code tlsClientError} ECONNRESET "socket hang up".
 */
class PendingNewSessionEndTest {

    @Test
    void aClientEndingWhileTheNewSessionIsStoredEndsAnEstablishedConnection() {
        Map<String, byte[]> store = new ConcurrentHashMap<>();
        AtomicBoolean hold = new AtomicBoolean();
        List<Runnable> held = new CopyOnWriteArrayList<>();
        List<String> serverEvents = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> heldOne = new CompletableFuture<>();
        CompletableFuture<Void> serverClosed = new CompletableFuture<>();
        CompletableFuture<Void> serverHeardTheClient = new CompletableFuture<>(); // its end, or a hang-up
        TlsServer server = Tls.createServer(serverOptions().minVersion("TLSv1.3")
                .secureOptions(Constants.SSL_OP_NO_TICKET).build(), (TlsSocket s) -> {
                    if (!hold.get()) {
                        return;
                    }
                    serverEvents.add("secureConnection:" + s.isSessionReused());
                    s.on(Duplex.END, () -> {
                        serverEvents.add("end");
                        serverHeardTheClient.complete(null);
                    });
                    s.on(Duplex.CLOSE, hadError -> serverClosed.complete(null));
                });
        server.on(TlsServer.NEW_SESSION, (id, data, done) -> {
            store.put(HexFormat.of().formatHex(id), data);
            if (hold.get()) { // the store answers only once the client is gone
                held.add(done);
                heldOne.complete(null);
            } else {
                done.run();
            }
        });
        server.on(TlsServer.RESUME_SESSION, (id, callback) -> callback.call(null, store.get(HexFormat.of().formatHex(id))));
        server.on(TlsServer.TLS_CLIENT_ERROR, (e, s) -> {
            serverEvents.add("tlsClientError:" + code(e) + ":" + e.getMessage());
            serverHeardTheClient.complete(null);
        });
        try (Listening l = listen(server)) {
            byte[] session = connectFor(clientTo(l.port()).build(), 2).session();
            hold.set(true);

            CompletableFuture<Boolean> resumed = new CompletableFuture<>();
            CompletableFuture<Void> clientClosed = new CompletableFuture<>();
            // Listeners go on before the connection starts (on its loop): a resumed handshake on
            // loopback can finish before a call on this thread returns, and 'secureConnect' would
            // be missed (the test then timed out waiting for it, a few runs in ten under load).
            Tls.connect(clientTo(l.port()).session(session).build(), client -> {
                client.on(TlsSocket.SECURE_CONNECT, () -> {
                    resumed.complete(client.isSessionReused());
                    client.end(); // right after the resumed handshake
                });
                client.on(Duplex.DATA, buf -> { });
                client.on(Duplex.CLOSE, hadError -> clientClosed.complete(null));
            }, null);
            assertTrue(await(resumed), "the client resumed");
            await(heldOne);
            await(serverHeardTheClient); // while the new ticket is still being stored
            assertEquals(List.of("secureConnection:true", "end"), serverEvents);
            held.forEach(Runnable::run); // the store answers: the held output (ticket, close_notify) goes
            await(clientClosed);
            await(serverClosed);
            assertEquals(List.of("secureConnection:true", "end"), serverEvents);
        }
    }
}
