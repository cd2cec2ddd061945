package io.jtls.resumption;

import static io.jtls.resumption.Resumption.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jtls.TlsServer;
import io.jtls.TlsSocket;
import io.jtls.context.Constants;
import io.jtls.support.NativeLeakCheck;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A client's side of resumption through sockets: the {@code 'session'} event (when, how often,
 * never before verification), the {@code session} option, {@code isSessionReused()},
 * {@code getSession()} and {@code getTLSTicket()}.
 */
class ClientSessionTest {
    @RegisterExtension
    final NativeLeakCheck nativeLeaks = NativeLeakCheck.eventually();

    @Test
    void tls12EmitsOneSessionAfterSecureConnectAndItResumes() {
        try (Listening server = listen(serverOptions().maxVersion("TLSv1.2").build())) {
            Conn first = connectFor(clientTo(server.port()).build(), 1);
            assertEquals(List.of("secureConnect", "session"), first.events.subList(0, 2),
                    "the session made during the handshake waits for verification");
            assertFalse(first.reused);
            assertNotNull(first.ticket, "getTLSTicket(): a TLS 1.2 ticket");
            assertEquals(1, first.sessions.size());

            Conn second = connectFor(clientTo(server.port()).session(first.session()).build(), 0);
            assertTrue(second.reused, "isSessionReused()");
            assertFalse(second.events.contains("session"), "a resumed TLS 1.2 session is not new");
        }
    }

    @Test
    void tls13EmitsOneSessionPerTicketAfterTheHandshakeAndEachResumes() {
        try (Listening server = listen(serverOptions().build())) {
            Conn first = connectFor(clientTo(server.port()).build(), 2);
            assertEquals("secureConnect", first.events.getFirst());
            assertEquals(2, first.sessions.size(), "OpenSSL's two tickets");
            assertFalse(java.util.Arrays.equals(first.sessions.get(0), first.sessions.get(1)));
            for (byte[] session : first.sessions) {
                Conn again = connectFor(clientTo(server.port()).session(session).build(), 0);
                assertTrue(again.reused);
            }
        }
        // Stateful tickets (SSL_OP_NO_TICKET) are reissued on every resumption: a session each time.
        TlsServer stateful = io.jtls.Tls.createServer(serverOptions().secureOptions(Constants.SSL_OP_NO_TICKET).build(),
                socket -> socket.pipe(socket));
        java.util.Map<String, byte[]> cache = new java.util.concurrent.ConcurrentHashMap<>();
        stateful.on(TlsServer.NEW_SESSION, (id, data, done) -> {
            cache.put(java.util.HexFormat.of().formatHex(id), data);
            done.run();
        });
        stateful.on(TlsServer.RESUME_SESSION, (id, callback) -> callback.call(null, cache.get(java.util.HexFormat.of().formatHex(id))));
        try (Listening server = listen(stateful)) {
            byte[] session = connectFor(clientTo(server.port()).build(), 2).session();
            for (int i = 0; i < 3; i++) {
                Conn again = connectFor(clientTo(server.port()).session(session).build(), 1);
                assertTrue(again.reused, "resumption " + i);
                session = again.session();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void noSessionWhenVerificationFails(String version) {
        TlsServer s = io.jtls.Tls.createServer(io.jtls.TlsServerOptions.builder().cert(UNTRUSTED.certificatePem())
                .key(UNTRUSTED.privateKeyPem()).maxVersion(version).build(), socket -> socket.end("hello"));
        try (Listening server = listen(s)) {
            Conn rejected = new Conn(clientTo(server.port()).build());
            await(rejected.closed);
            assertTrue(rejected.events.getFirst().startsWith("error:"), rejected.events.toString());
            assertFalse(rejected.events.contains("session"), "never emitted without verification");

            Conn accepted = new Conn(clientTo(server.port()).rejectUnauthorized(false).build()).awaitSessions(1);
            assertEquals("secureConnect", accepted.events.getFirst(), "rejectUnauthorized false: after 'secureConnect'");
            accepted.destroy();
        }
    }

    @Test
    void aRefusedOrGarbageSessionMeansAFullHandshake() {
        try (Listening a = listen(serverOptions().maxVersion("TLSv1.2").build());
             Listening b = listen(serverOptions().maxVersion("TLSv1.2").build())) {
            byte[] fromA = connectFor(clientTo(a.port()).build(), 1).session();
            Conn refused = connectFor(clientTo(b.port()).session(fromA).build(), 1);
            assertFalse(refused.reused, "another server's ticket: full handshake, no error");
            assertEquals(List.of("secureConnect", "session"), refused.events.subList(0, 2));

            for (byte[] garbage : List.of(new byte[0], "not a session".getBytes(), java.util.Arrays.copyOf(fromA, 40))) {
                Conn c = connectFor(clientTo(a.port()).session(garbage).build(), 1);
                assertFalse(c.reused, "bytes that are no session are ignored, as Node");
                assertFalse(c.events.stream().anyMatch(e -> e.startsWith("error")), c.events.toString());
            }
        }
    }

    @Test
    void getSessionAndGetTlsTicket() {
        CompletableFuture<byte[]> serverTicket = new CompletableFuture<>();
        CompletableFuture<byte[]> serverSession = new CompletableFuture<>();
        TlsServer s = io.jtls.Tls.createServer(serverOptions().maxVersion("TLSv1.2")
                .secureOptions(Constants.SSL_OP_NO_TICKET).build(), socket -> {
            serverTicket.complete(socket.getTLSTicket() == null ? new byte[0] : socket.getTLSTicket());
            serverSession.complete(socket.getSession());
            socket.resume();
        });
        try (Listening server = listen(s)) {
            Conn c = new Conn(clientTo(server.port()).build()).awaitSessions(1);
            assertNull(c.ticket, "SSL_OP_NO_TICKET: no ticket, the session resumes by id");
            assertArrayEquals(c.session(), c.socket.getSession(), "TLS 1.2: getSession() is the 'session' event's data");
            assertEquals(0, await(serverTicket).length, "getTLSTicket() is null on servers");
            assertNotNull(await(serverSession), "a server may read its session (for debugging)");
            c.destroy();
            assertNull(c.socket.getSession(), "null once destroyed");
            assertNull(c.socket.getTLSTicket());
        }
    }

    @Test
    void nobodyListeningCostsNothingAndLeaksNothing() {
        try (Listening server = listen(serverOptions().build())) {
            for (int i = 0; i < 20; i++) {
                TlsSocket socket = io.jtls.Tls.connect(clientTo(server.port()).build(), (Runnable) null);
                CompletableFuture<Void> closed = new CompletableFuture<>();
                socket.on(TlsSocket.CLOSE, e -> closed.complete(null));
                socket.resume(); // read the echo, so that 'end' and 'close' follow
                socket.end("x");
                await(closed);
            }
        }
    }
}
