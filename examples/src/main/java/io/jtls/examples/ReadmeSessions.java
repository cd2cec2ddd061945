package io.jtls.examples;

import io.jtls.Tls;
import io.jtls.TlsConnectOptions;
import io.jtls.TlsServer;
import io.jtls.TlsSocket;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The README's session resumption block, compiled ({@code ReadmeSnippetsTest} checks the README
 * holds the region between the markers character for character).
 */
public final class ReadmeSessions {
    private ReadmeSessions() {}

    /** The client half: {@code opts} reach a server that issues sessions; completes with the second socket. */
    static CompletableFuture<TlsSocket> client(TlsConnectOptions opts) {
        // README begin client
        // Client: keep the session from the 'session' event, offer it next time.
        CompletableFuture<byte[]> saved = new CompletableFuture<>();
        Tls.connect(opts, first -> {
            first.once(TlsSocket.SESSION, saved::complete); // TLS 1.3: after the handshake
            first.once(TlsSocket.SESSION, session -> first.end());
        }, null);
        // ... later, once a session has arrived:
        CompletableFuture<TlsSocket> again = saved.thenCompose(session ->
                Tls.connectAsync(opts.toBuilder().session(session).build(), null));
        again.thenAccept(socket -> System.out.println("reused: " + socket.isSessionReused()));
        // README end
        return again;
    }

    /** The server half. */
    static void server(TlsServer server) {
        // README begin server
        // Server: tickets are on by default (ticketKeys / getTicketKeys / setTicketKeys as Node);
        // session ids and TLS 1.3 stateful tickets through Node's events:
        Map<String, byte[]> cache = new ConcurrentHashMap<>();
        server.on(TlsServer.NEW_SESSION, (id, data, done) -> {
            cache.put(HexFormat.of().formatHex(id), data);
            done.run();
        });
        server.on(TlsServer.RESUME_SESSION, (id, callback) -> callback.call(null, cache.get(HexFormat.of().formatHex(id))));
        // README end
    }
}
