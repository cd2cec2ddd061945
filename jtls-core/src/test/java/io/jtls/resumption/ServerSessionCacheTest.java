package io.jtls.resumption;

import static io.jtls.resumption.Resumption.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jtls.Tls;
import io.jtls.TlsServer;
import io.jtls.TlsServerOptions;
import io.jtls.TlsSocket;
import io.jtls.context.Constants;
import io.jtls.internal.openssl.NativeKind;
import io.jtls.net.Duplex;
import io.jtls.net.EventLoop;
import io.jtls.net.EventLoopGroup;
import io.jtls.support.ManualClock;
import io.jtls.support.NativeLeakCheck;
import io.jtls.support.Waiting;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A server's session cache through Node's {@code 'newSession'} and {@code 'resumeSession'}
 * events: TLS 1.2 session ids and TLS 1.3 stateful tickets ({@code SSL_OP_NO_TICKET}), callbacks
 * completed later from other threads, misses, errors, double calls, and calls after destroy.
 */
class ServerSessionCacheTest {
    private long nativeStart;
    private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();

    @BeforeEach
    void countNatives() {
        // Settled: the connections of the test before (another class's, too) may still be
        // closing on their loops; a count taken mid-way is never met again.
        nativeStart = NativeLeakCheck.settledLiveTotal();
    }

    @AfterEach
    void nativesFreed() {
        later.shutdownNow();
        closeLater.forEach(Listening::close);
        eventually("native objects back to " + nativeStart, () -> NativeKind.liveTotal() == nativeStart);
    }

    /** Node's documented example store, recording what it saw. */
    static final class MapCache {
        final Map<String, byte[]> sessions = new ConcurrentHashMap<>();
        final List<String> stored = new CopyOnWriteArrayList<>();
        final List<String> asked = new CopyOnWriteArrayList<>();

        void install(TlsServer server, ScheduledExecutorService executor, Duration delay) {
            server.on(TlsServer.NEW_SESSION, (id, data, done) -> {
                String key = HexFormat.of().formatHex(id);
                executor.schedule(() -> {
                    sessions.put(key, data);
                    stored.add(key);
                    done.run();
                }, delay.toMillis(), TimeUnit.MILLISECONDS);
            });
            server.on(TlsServer.RESUME_SESSION, (id, callback) -> {
                String key = HexFormat.of().formatHex(id);
                asked.add(key);
                executor.schedule(() -> callback.call(null, sessions.get(key)), delay.toMillis(), TimeUnit.MILLISECONDS);
            });
        }
    }

    private static TlsServerOptions.Builder noTickets(String version) {
        return serverOptions().minVersion(version).maxVersion(version).secureOptions(Constants.SSL_OP_NO_TICKET);
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void sessionsAreStoredAndResumedWithCallbacksFromAnotherThread(String version) {
        TlsServer server = Tls.createServer(noTickets(version).build(), socket -> socket.pipe(socket));
        MapCache cache = new MapCache();
        cache.install(server, later, Duration.ofMillis(50));
        try (Listening l = listen(server)) {
            int sessions = version.equals("TLSv1.2") ? 1 : 2;
            Conn first = connectFor(clientTo(l.port()).build(), sessions);
            assertFalse(first.reused);
            if (version.equals("TLSv1.2")) {
                assertNull(first.ticket, "no ticket: resumption by session id");
            } else {
                assertEquals(32, first.ticket.length, "a stateful ticket is a 32-byte session id");
            }
            assertEquals(sessions, cache.stored.size(), "one newSession per session (TLS 1.3: per stateful ticket)");

            Conn second = connectFor(clientTo(l.port()).session(first.session()).build(), sessions - 1);
            assertTrue(second.reused, version + " resumed from the listeners' store");
            assertTrue(cache.sessions.containsKey(cache.asked.getLast()), "looked up by the id it was stored under");
            if (version.equals("TLSv1.3")) {
                assertNotNull(second.ticket, "a stateful ticket: the session id");
                assertTrue(cache.sessions.containsKey(HexFormat.of().formatHex(first.ticket)),
                        "the ticket a TLS 1.3 client holds is the id newSession stored");
            }

            Conn miss = connectFor(clientTo(l.port()).session(connectFor(
                    clientTo(listenOnce()).build(), 1).session()).build(), sessions);
            assertFalse(miss.reused, "unknown id: full handshake");
        }
    }

    /** A port of a throw-away server (for a session the store never saw). */
    private int listenOnce() {
        Listening other = listen(serverOptions().maxVersion("TLSv1.2").secureOptions(Constants.SSL_OP_NO_TICKET).build());
        closeLater.add(other);
        return other.port();
    }

    private final List<Listening> closeLater = new CopyOnWriteArrayList<>();

    @Test
    void theHandshakeWaitsForNewSessionsDone() {
        AtomicReference<Runnable> pending = new AtomicReference<>();
        // Server and client on one loop: a few turns of it are the barrier after which a Finished
        // that was sent would have been read (no sleep).
        EventLoopGroup one = new EventLoopGroup("held", 1);
        EventLoop loop = one.loops().getFirst();
        TlsServer server = Tls.createServer(noTickets("TLSv1.2").group(one).build(), socket -> socket.pipe(socket));
        server.on(TlsServer.NEW_SESSION, (id, data, done) -> pending.set(done));
        CompletableFuture<TlsSocket> secured = new CompletableFuture<>();
        CompletableFuture<Void> serverClosed = new CompletableFuture<>();
        server.on(TlsServer.SECURE_CONNECTION, (TlsSocket s) -> {
            s.on(Duplex.CLOSE, hadError -> serverClosed.complete(null)); // on the loop: not missed
            secured.complete(s);
        });
        try (Listening l = listen(server)) {
            Conn c = new Conn(clientTo(l.port()).loop(loop).build());
            eventually("newSession emitted", () -> pending.get() != null);
            Waiting.loopTurns(loop, 3, Duration.ofSeconds(15));
            assertFalse(c.secure.isDone(), "the server's Finished is held until done()");
            assertFalse(secured.isDone(), "'secureConnection' waits too");
            Runnable done = pending.get();
            later.execute(done);
            await(c.secure);
            await(secured);
            done.run(); // a second call does nothing, as in Node
            c.socket.write("ping");
            eventually("echo", () -> c.events.contains("data"));
            c.destroy();
            // The server's side of the connection runs on the same loop: it must see the
            // client's close and free its engine before the loop stops (a stopping loop polls
            // no more; the engine would wait for the Cleaner and the native count check fail).
            await(serverClosed);
        } finally {
            one.shutdown();
        }
    }

    @Test
    void withoutListenersNothingIsCachedAndNothingWaits() {
        try (Listening l = listen(noTickets("TLSv1.2").build())) {
            Conn first = connectFor(clientTo(l.port()).build(), 1);
            Conn second = connectFor(clientTo(l.port()).session(first.session()).build(), 1);
            assertFalse(second.reused, "no internal cache, as Node (SSL_SESS_CACHE_NO_INTERNAL)");
        }
    }

    @Test
    void onlyNewSessionListenersStoreButNeverLookUp() {
        TlsServer server = Tls.createServer(noTickets("TLSv1.2").build(), socket -> socket.pipe(socket));
        List<byte[]> ids = new CopyOnWriteArrayList<>();
        server.on(TlsServer.NEW_SESSION, (id, data, done) -> {
            ids.add(id);
            done.run();
        });
        try (Listening l = listen(server)) {
            Conn first = connectFor(clientTo(l.port()).build(), 1);
            Conn second = connectFor(clientTo(l.port()).session(first.session()).build(), 1);
            assertFalse(second.reused);
            assertEquals(2, ids.size());
        }
    }

    @Test
    void resumeSessionErrorDestroysTheConnection() {
        TlsServer server = Tls.createServer(noTickets("TLSv1.2").build(), socket -> socket.pipe(socket));
        MapCache cache = new MapCache();
        server.on(TlsServer.NEW_SESSION, (id, data, done) -> {
            cache.sessions.put(HexFormat.of().formatHex(id), data);
            done.run();
        });
        IllegalStateException storeDown = new IllegalStateException("store down");
        server.on(TlsServer.RESUME_SESSION, (id, callback) -> later.schedule(() -> {
            boolean known = cache.sessions.containsKey(HexFormat.of().formatHex(id));
            callback.call(known ? storeDown : null, null); // fails only for a session it stored
        }, 20, TimeUnit.MILLISECONDS));
        CompletableFuture<Throwable> clientError = new CompletableFuture<>();
        server.on(TlsServer.TLS_CLIENT_ERROR, (error, socket) -> clientError.complete(error));
        try (Listening l = listen(server)) {
            byte[] session = connectFor(clientTo(l.port()).build(), 1).session();
            Conn refused = new Conn(clientTo(l.port()).session(session).build());
            assertSame(storeDown, await(clientError), "callback(err): tlsClientError with err");
            await(refused.closed);
            assertTrue(refused.events.getFirst().startsWith("error:ECONNRESET"), refused.events.toString());
        }
    }

    @Test
    void aSecondCallbackCallIsErrMultipleCallback() {
        TlsServer server = Tls.createServer(noTickets("TLSv1.2").build(), socket -> socket.pipe(socket));
        server.on(TlsServer.NEW_SESSION, (id, data, done) -> done.run());
        server.on(TlsServer.RESUME_SESSION, (id, callback) -> {
            callback.call(null, null);
            callback.call(null, null);
        });
        CompletableFuture<Throwable> clientError = new CompletableFuture<>();
        server.on(TlsServer.TLS_CLIENT_ERROR, (error, socket) -> clientError.complete(error));
        try (Listening l = listen(server)) {
            Conn c = new Conn(clientTo(l.port()).build());
            assertEquals("ERR_MULTIPLE_CALLBACK", code(await(clientError)));
            await(c.closed);
        }
    }

    @Test
    void callbacksAfterDestroyAreIgnored() {
        // The handshake timeout fires when the test moves the loop's clock, not after 150 ms.
        ManualClock clock = new ManualClock();
        EventLoop loop = clock.loop("timeout");
        EventLoopGroup serverLoops = clock.group("timeout-server", 1);
        TlsServer server = Tls.createServer(noTickets("TLSv1.2").handshakeTimeout(Duration.ofMillis(150))
                .group(serverLoops).build(), socket -> socket.pipe(socket));
        CompletableFuture<TlsServer.ResumeSessionCallback> held = new CompletableFuture<>();
        server.on(TlsServer.NEW_SESSION, (id, data, done) -> done.run());
        server.on(TlsServer.RESUME_SESSION, (id, callback) -> held.complete(callback));
        List<String> clientErrors = new CopyOnWriteArrayList<>();
        server.on(TlsServer.TLS_CLIENT_ERROR, (error, socket) -> clientErrors.add(code(error)));
        try (clock; Listening l = listen(server)) {
            Conn c = new Conn(clientTo(l.port()).loop(loop).build()); // a TLS 1.3-capable client: random legacy id
            TlsServer.ResumeSessionCallback callback = await(held);
            clock.advance(Duration.ofMillis(149));
            assertFalse(c.closed.isDone(), "still waiting for resumeSession");
            clock.advance(Duration.ofMillis(1));
            await(c.closed);
            eventually("handshake timeout reported", () -> clientErrors.contains("ERR_TLS_HANDSHAKE_TIMEOUT"));
            callback.call(null, "late".getBytes());
            callback.call(new IllegalStateException("later still"), null);
            for (EventLoop serverLoop : serverLoops.loops()) Waiting.loopTurns(serverLoop, 2, Duration.ofSeconds(15));
            assertEquals(List.of("ERR_TLS_HANDSHAKE_TIMEOUT"), clientErrors, "nothing more after destroy");
        }
    }

    @Test
    void garbageSessionDataFromTheListenerIsAMiss() {
        TlsServer server = Tls.createServer(noTickets("TLSv1.2").build(), socket -> socket.pipe(socket));
        server.on(TlsServer.NEW_SESSION, (id, data, done) -> done.run());
        server.on(TlsServer.RESUME_SESSION, (id, callback) -> callback.call(null, "garbage".getBytes()));
        try (Listening l = listen(server)) {
            Conn first = connectFor(clientTo(l.port()).build(), 1);
            Conn second = connectFor(clientTo(l.port()).session(first.session()).build(), 1);
            assertFalse(second.reused);
        }
    }

    @Test
    void tls13ClientsRandomLegacyIdsAreNotLookedUp() {
        TlsServer server = Tls.createServer(serverOptions().build(), socket -> socket.pipe(socket));
        MapCache cache = new MapCache();
        cache.install(server, later, Duration.ZERO);
        try (Listening l = listen(server)) {
            Conn first = connectFor(clientTo(l.port()).build(), 2);
            Conn second = connectFor(clientTo(l.port()).session(first.session()).build(), 0);
            assertTrue(second.reused, "stateless ticket");
            assertEquals(List.of(), cache.asked, "Node would ask about each random legacy id");
            assertEquals(List.of(), cache.stored, "stateless TLS 1.3 tickets hold their session themselves");
        }
    }
}
