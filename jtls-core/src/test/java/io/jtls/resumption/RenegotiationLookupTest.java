package io.jtls.resumption;

import static io.jtls.resumption.Resumption.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jtls.Tls;
import io.jtls.TlsServer;
import io.jtls.TlsServerOptions;
import io.jtls.TlsSocket;
import io.jtls.context.Constants;
import io.jtls.net.Duplex;
import io.jtls.session.InMemorySessionStore;
import io.jtls.session.SessionStore;
import io.jtls.support.ExternalProcess;
import io.jtls.support.NativeLeakCheck;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A TLS 1.2 renegotiation whose ClientHello offers a session id, against a server that keeps
 * sessions ({@code 'newSession'}/{@code 'resumeSession'} listeners, or a {@code sessionStore}):
 * as in Node, only the first ClientHello of a connection is looked up; the renegotiation is
 * answered at once (a full handshake), completes, and data flows after it (issue 11: it used to
 * be feared to park the connection for ever at the lookup).
 */
class RenegotiationLookupTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    final NativeLeakCheck nativeLeaks = NativeLeakCheck.eventually();

    enum Cache { LISTENERS, STORE }

    /** An echo server that keeps sessions by id (no tickets, so that ids are what resumes), counting lookups. */
    private record Keeping(TlsServer server, AtomicInteger lookups, AtomicInteger laterSecure) {}

    private static Keeping keeping(Cache cache) {
        AtomicInteger lookups = new AtomicInteger();
        AtomicInteger laterSecure = new AtomicInteger();
        TlsServerOptions.Builder options = serverOptions().maxVersion("TLSv1.2").secureOptions(Constants.SSL_OP_NO_TICKET);
        if (cache == Cache.STORE) {
            InMemorySessionStore inner = InMemorySessionStore.create();
            options.sessionStore(new SessionStore() {
                @Override
                public CompletionStage<Void> put(byte[] id, byte[] data, Duration ttl) {
                    return inner.put(id, data, ttl);
                }

                @Override
                public CompletionStage<byte[]> get(byte[] id) {
                    lookups.incrementAndGet();
                    return inner.get(id);
                }
            });
        }
        TlsServer server = Tls.createServer(options.build(), socket -> {
            socket.on(TlsSocket.SECURE, laterSecure::incrementAndGet);
            socket.pipe(socket);
        });
        if (cache == Cache.LISTENERS) {
            Map<String, byte[]> sessions = new ConcurrentHashMap<>();
            server.on(TlsServer.NEW_SESSION, (id, data, done) -> {
                sessions.put(HexFormat.of().formatHex(id), data);
                done.run();
            });
            server.on(TlsServer.RESUME_SESSION, (id, callback) -> {
                lookups.incrementAndGet();
                callback.call(null, sessions.get(HexFormat.of().formatHex(id)));
            });
        }
        return new Keeping(server, lookups, laterSecure);
    }

    /** openssl s_client's {@code R}: after a full handshake, then after a resumed one (-sess_in). */
    @ParameterizedTest
    @EnumSource(Cache.class)
    void opensslRenegotiatesAfterAFullAndAResumedHandshake(Cache cache, @TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("ca.pem"), ROOT.certificatePem());
        String session = dir.resolve("session.pem").toString();
        Keeping k = keeping(cache);
        try (Listening l = listen(k.server())) {
            List<String> common = List.of("openssl", "s_client", "-connect", "127.0.0.1:" + l.port(), "-tls1_2",
                    "-CAfile", dir.resolve("ca.pem").toString());
            try (ExternalProcess client = ExternalProcess.start(concat(common, "-sess_out", session))) {
                client.awaitLine(line -> line.contains("Verify return code"), WAIT);
                assertEquals(0, k.lookups().get(), "a first ClientHello without an id is not looked up");
                renegotiateAndEcho(client, "full");
                eventually("the server's 'secure' for the renegotiation", () -> k.laterSecure().get() == 1);
            }
            try (ExternalProcess client = ExternalProcess.start(concat(common, "-sess_in", session))) {
                client.awaitLine(line -> line.startsWith("Reused, TLSv1.2"), WAIT);
                assertEquals(1, k.lookups().get(), "the first ClientHello's id is looked up");
                renegotiateAndEcho(client, "resumed");
                eventually("the server's 'secure' for the renegotiation", () -> k.laterSecure().get() == 2);
                assertEquals(1, k.lookups().get(), "the renegotiation's id is not looked up (Node's rule)");
            }
        }
    }

    private static void renegotiateAndEcho(ExternalProcess client, String word) {
        client.write("R\n");
        client.awaitLine(line -> line.contains("RENEGOTIATING"), WAIT);
        client.write(word + "\n");
        client.awaitLine(line -> line.equals(word), WAIT); // through the renegotiated keys
    }

    private static List<String> concat(List<String> list, String... more) {
        java.util.ArrayList<String> all = new java.util.ArrayList<>(list);
        all.addAll(List.of(more));
        return all;
    }

    /** jtls's renegotiate(): its ClientHello offers the connection's session id, resumed or not. */
    @ParameterizedTest
    @EnumSource(Cache.class)
    void aJtlsClientRenegotiatesAfterAFullAndAResumedHandshake(Cache cache) {
        Keeping k = keeping(cache);
        try (Listening l = listen(k.server())) {
            Conn full = new Conn(clientTo(l.port()).maxVersion("TLSv1.2").build()).awaitSessions(1);
            renegotiateAndEcho(full, "full");
            byte[] session = full.session();
            full.destroy();
            int lookups = k.lookups().get();

            Conn resumed = new Conn(clientTo(l.port()).maxVersion("TLSv1.2").session(session).build());
            await(resumed.secure);
            assertTrue(resumed.reused);
            assertEquals(lookups + 1, k.lookups().get());
            renegotiateAndEcho(resumed, "resumed");
            assertEquals(lookups + 1, k.lookups().get(), "the renegotiation's id is not looked up");
            assertEquals(2, k.laterSecure().get());
            resumed.destroy();
        }
    }

    /**
     * A resumed client that renegotiates from its {@code 'secureConnect'} listener sends its
     * Finished and the new ClientHello in one write: the server reads the end of the first
     * handshake and the start of the next together, before it is established. The renegotiation
     * is still seen (counted against the limit, bounded, and completed with {@code 'secure'}).
     */
    @ParameterizedTest
    @EnumSource(Cache.class)
    void aRenegotiationThatArrivesWithTheFinishedIsSeen(Cache cache) {
        Keeping k = keeping(cache);
        try (Listening l = listen(k.server())) {
            Conn full = new Conn(clientTo(l.port()).maxVersion("TLSv1.2").build()).awaitSessions(1);
            byte[] session = full.session();
            full.destroy();
            CompletableFuture<Throwable> done = new CompletableFuture<>();
            TlsSocket socket = Tls.connect(clientTo(l.port()).maxVersion("TLSv1.2").session(session).build(), s -> {
                s.once(TlsSocket.SECURE_CONNECT, () -> {
                    assertTrue(s.isSessionReused());
                    s.renegotiate(e -> done.complete(e == null ? new Throwable("ok") : e));
                });
            }, null);
            assertEquals("ok", await(done).getMessage());
            eventually("the server's 'secure' for the renegotiation", () -> k.laterSecure().get() == 1);
            CompletableFuture<Boolean> closed = new CompletableFuture<>();
            socket.on(Duplex.CLOSE, closed::complete);
            socket.destroy();
            await(closed);
        }
    }

    private static void renegotiateAndEcho(Conn conn, String word) {
        CompletableFuture<Throwable> done = new CompletableFuture<>();
        assertTrue(conn.socket.renegotiate(e -> done.complete(e == null ? new Throwable("ok") : e)));
        assertEquals("ok", await(done).getMessage());
        StringBuilder echoed = new StringBuilder();
        conn.socket.on(Duplex.DATA, buf -> {
            synchronized (echoed) {
                echoed.append(StandardCharsets.UTF_8.decode(buf));
            }
        });
        conn.socket.write(word.getBytes(StandardCharsets.UTF_8));
        eventually("echo of " + word, () -> {
            synchronized (echoed) {
                return echoed.toString().equals(word);
            }
        });
    }
}
