package io.jtls;

import static io.jtls.TlsTesting.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jtls.context.Constants;
import io.jtls.net.Duplex;
import io.jtls.net.EventEmitter;
import io.jtls.support.NativeLeakCheck;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code ALPNCallback} on resumed handshakes, jtls on both ends: OpenSSL selects ALPN on every
 * handshake, resumed ones included (where no certificate callback runs), so the callback is asked
 * at the ClientHello of each connection; with a {@code 'resumeSession'} listener it is asked
 * first, and both answers hold.
 */
class AlpnCallbackSocketTest {
    @RegisterExtension
    final NativeLeakCheck leaks = NativeLeakCheck.eventually();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.3 ticket", "TLSv1.2 ticket", "TLSv1.2 session id (resumeSession)"})
    void askedOnResumedHandshakesToo(String how) {
        String version = how.substring(0, 7);
        boolean byId = how.contains("resumeSession");
        List<String> order = new CopyOnWriteArrayList<>();
        TlsServerOptions.Builder options = serverWith(SERVER_EC).maxVersion(version).alpnCallback((servername, protocols) -> {
            order.add("alpn " + protocols);
            return protocols.getLast();
        });
        if (byId) {
            options.secureOptions(Constants.SSL_OP_NO_TICKET);
        }
        TlsServer server = Tls.createServer(options.build(), s -> s.end("x"));
        Map<String, byte[]> cache = new ConcurrentHashMap<>();
        if (byId) {
            server.on(TlsServer.NEW_SESSION, (id, data, done) -> {
                cache.put(HexFormat.of().formatHex(id), data);
                done.run();
            });
            server.on(TlsServer.RESUME_SESSION, (id, callback) -> {
                order.add("resumeSession");
                callback.call(null, cache.get(HexFormat.of().formatHex(id)));
            });
        }
        try (Closing c = closing(server)) {
            int port = listen(server);
            CompletableFuture<byte[]> session = new CompletableFuture<>();
            assertEquals("false http/1.1", await(connect(clientTo(port).alpnProtocols("h2", "http/1.1").build(), session)));
            byte[] saved = await(session);

            order.clear();
            assertEquals("true b", await(connect(clientTo(port).alpnProtocols("a", "b").session(saved).build(), null)), how);
            assertEquals(byId ? List.of("alpn [a, b]", "resumeSession") : List.of("alpn [a, b]"), order);
        }
    }

    /** "reused alpn" as the client saw them at 'secureConnect' (on its loop: the socket may close right after). */
    private static CompletableFuture<String> connect(TlsConnectOptions options, CompletableFuture<byte[]> session) {
        CompletableFuture<String> seen = new CompletableFuture<>();
        Tls.connect(options, s -> {
            s.on(TlsSocket.SECURE_CONNECT, () -> seen.complete(s.isSessionReused() + " " + s.alpnProtocol()));
            s.on(EventEmitter.ERROR, seen::completeExceptionally);
            s.on(Duplex.DATA, data -> { });
            if (session != null) {
                s.on(TlsSocket.SESSION, session::complete);
            }
        }, null);
        return seen;
    }
}
