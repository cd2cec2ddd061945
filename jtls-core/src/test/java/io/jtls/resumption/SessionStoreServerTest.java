package io.jtls.resumption;

import static io.jtls.resumption.Resumption.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jtls.Tls;
import io.jtls.TlsServer;
import io.jtls.TlsServerOptions;
import io.jtls.context.Constants;
import io.jtls.session.InMemorySessionStore;
import io.jtls.session.SessionStore;
import io.jtls.session.SessionStoreListeners;
import io.jtls.support.NativeLeakCheck;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code sessionStore} server option, and {@link SessionStoreListeners} installed by hand:
 * resumption by id through a store, and what a failing or slow store does to the handshake.
 */
class SessionStoreServerTest {
    @RegisterExtension
    final NativeLeakCheck nativeLeaks = NativeLeakCheck.eventually();

    private static TlsServerOptions.Builder noTickets(String version) {
        return serverOptions().minVersion(version).maxVersion(version).secureOptions(Constants.SSL_OP_NO_TICKET);
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void theStoreOptionResumesSessions(String version) {
        InMemorySessionStore store = InMemorySessionStore.create();
        try (Listening l = listen(noTickets(version).sessionStore(store).build())) {
            int perHandshake = version.equals("TLSv1.2") ? 1 : 2;
            byte[] session = connectFor(clientTo(l.port()).build(), perHandshake).session();
            assertEquals(perHandshake, store.size());
            for (int i = 0; i < 3; i++) {
                Conn c = connectFor(clientTo(l.port()).session(session).build(), perHandshake - 1);
                assertTrue(c.reused, version + " resumption " + i);
            }
            assertTrue(store.stats().hits() >= 3, store.stats().toString());
        }
    }

    /** A store whose puts work and whose gets fail, or take {@code delay}. */
    static final class BrokenStore implements SessionStore {
        final InMemorySessionStore inner = InMemorySessionStore.create();
        final Duration delay;
        final AtomicInteger gets = new AtomicInteger();

        BrokenStore(Duration delay) {
            this.delay = delay;
        }

        @Override
        public CompletionStage<Void> put(byte[] id, byte[] data, Duration ttl) {
            return inner.put(id, data, ttl);
        }

        @Override
        public CompletionStage<byte[]> get(byte[] id) {
            gets.incrementAndGet();
            if (delay == null) {
                return CompletableFuture.failedFuture(new IllegalStateException("store unreachable"));
            }
            return inner.get(id).thenCompose(data -> CompletableFuture.supplyAsync(() -> data,
                    CompletableFuture.delayedExecutor(delay.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)));
        }
    }

    @Test
    void aFailingStoreMeansAFullHandshakeByDefault() {
        BrokenStore store = new BrokenStore(null);
        try (Listening l = listen(noTickets("TLSv1.2").sessionStore(store).build())) {
            byte[] session = connectFor(clientTo(l.port()).build(), 1).session();
            Conn c = connectFor(clientTo(l.port()).session(session).build(), 1);
            assertFalse(c.reused, "the store failed: a full handshake, the connection works");
            assertTrue(store.gets.get() >= 1);
        }
    }

    @Test
    void aSlowStoreTimesOutIntoAFullHandshake() {
        BrokenStore store = new BrokenStore(Duration.ofSeconds(5));
        TlsServer server = Tls.createServer(noTickets("TLSv1.2").build(), socket -> socket.pipe(socket));
        SessionStoreListeners listeners = SessionStoreListeners.builder(store).ttl(Duration.ofSeconds(300))
                .storeTimeout(Duration.ofMillis(200)).build();
        server.on(TlsServer.NEW_SESSION, listeners::newSession);
        server.on(TlsServer.RESUME_SESSION, (id, callback) -> listeners.resumeSession(id, callback::call));
        try (Listening l = listen(server)) {
            byte[] session = connectFor(clientTo(l.port()).build(), 1).session();
            long start = System.nanoTime();
            Conn c = connectFor(clientTo(l.port()).session(session).build(), 1);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertFalse(c.reused);
            assertTrue(millis >= 180 && millis < 4000, "waited for the store's timeout, not for the store: " + millis);
        }
    }

    @Test
    void aFailingStoreCanDestroyTheConnectionAsNodesCallbackError() {
        BrokenStore store = new BrokenStore(null);
        TlsServer server = Tls.createServer(noTickets("TLSv1.2").build(), socket -> socket.pipe(socket));
        SessionStoreListeners listeners = SessionStoreListeners.builder(store)
                .onStoreFailure(SessionStoreListeners.OnStoreFailure.DESTROY).build();
        server.on(TlsServer.NEW_SESSION, listeners::newSession);
        server.on(TlsServer.RESUME_SESSION, (id, callback) -> listeners.resumeSession(id, callback::call));
        CompletableFuture<Throwable> clientError = new CompletableFuture<>();
        server.on(TlsServer.TLS_CLIENT_ERROR, (error, socket) -> clientError.complete(error));
        try (Listening l = listen(server)) {
            // A TLS 1.2 client sends no session id without a session: nothing to look up at first.
            byte[] session = connectFor(clientTo(l.port()).maxVersion("TLSv1.2").build(), 1).session();
            assertFalse(clientError.isDone());
            Conn refused = new Conn(clientTo(l.port()).maxVersion("TLSv1.2").session(session).build());
            Throwable error = await(clientError);
            assertEquals("store unreachable", error.getMessage());
            await(refused.closed);
            assertFalse(refused.secure.isDone());
        }
    }
}
