package io.jtls.resumption;

import static io.jtls.resumption.Resumption.clientTo;
import static io.jtls.resumption.Resumption.listen;
import static io.jtls.resumption.Resumption.serverOptions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.Tls;
import io.jtls.TlsServer;
import io.jtls.context.Constants;
import io.jtls.internal.context.SecureContexts;
import io.jtls.internal.engine.OptionalHook;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A server's context carries the per-handshake hooks (session cache, key log) only once a
 * listener needs them; adding one gives the connections that arrive afterwards a context with the
 * hook, and tickets issued before still resume.
 */
class OptionalHooksTest {

    @Test
    void aServerAddsTheSessionCacheHookWhenItsFirstListenerArrives() {
        TlsServer server = Tls.createServer(serverOptions().build(), socket -> socket.pipe(socket));
        try (var listening = listen(server)) {
            assertEquals(Set.of(), SecureContexts.nativeOf(server.secureContext()).hooks(), "no listener, no optional hook");
            var before = Resumption.connectFor(clientTo(listening.port()).maxVersion("TLSv1.2").build(), 1);

            List<byte[]> ids = new CopyOnWriteArrayList<>();
            server.on(TlsServer.NEW_SESSION, (id, data, done) -> {
                ids.add(id);
                done.run();
            });
            assertTrue(SecureContexts.nativeOf(server.secureContext()).hooks().contains(OptionalHook.SESSION_CACHE));
            var resumed = Resumption.connectFor(clientTo(listening.port()).maxVersion("TLSv1.2")
                    .session(before.session()).build(), 0);
            assertTrue(resumed.reused, "a ticket issued before the new context still resumes");

            server.on(TlsServer.KEYLOG, (line, socket) -> { });
            assertEquals(Set.of(OptionalHook.SESSION_CACHE, OptionalHook.KEY_LOG),
                    SecureContexts.nativeOf(server.secureContext()).hooks());
        }
    }

    @Test
    void sessionIdsAddedAfterListenReachTheNewListener() {
        TlsServer server = Tls.createServer(serverOptions().maxVersion("TLSv1.2").secureOptions(Constants.SSL_OP_NO_TICKET)
                .build(), socket -> socket.pipe(socket));
        try (var listening = listen(server)) {
            List<byte[]> ids = new CopyOnWriteArrayList<>();
            server.on(TlsServer.NEW_SESSION, (id, data, done) -> {
                ids.add(id);
                done.run();
            });
            Resumption.connectFor(clientTo(listening.port()).build(), 1);
            Resumption.eventually("'newSession' for the connection after the listener", () -> ids.size() == 1);
        }
    }
}
