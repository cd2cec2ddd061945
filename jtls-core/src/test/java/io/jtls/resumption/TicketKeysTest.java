package io.jtls.resumption;

import static io.jtls.resumption.Resumption.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jtls.Tls;
import io.jtls.TlsServer;
import io.jtls.TlsServerOptions;
import io.jtls.context.Constants;
import io.jtls.error.TlsArgumentException;
import io.jtls.error.TlsException;
import io.jtls.internal.context.SecureContexts;
import io.jtls.internal.openssl.SslCtxCalls;
import io.jtls.net.EventLoop;
import io.jtls.net.EventLoopGroup;
import io.jtls.session.TicketKey;
import io.jtls.session.TicketKeyRing;
import io.jtls.support.NativeLeakCheck;
import io.jtls.support.SessionTime;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Session tickets on a server: on by default and shared by all its loops, {@code ticketKeys}
 * across servers, {@code setTicketKeys} for new connections only, a rotating
 * {@link TicketKeyRing}, {@code SSL_OP_NO_TICKET}, {@code sessionTimeout} and
 * {@code sessionIdContext}.
 */
class TicketKeysTest {
    @RegisterExtension
    final NativeLeakCheck nativeLeaks = NativeLeakCheck.eventually();

    private static int sessionsPerHandshake(String version) {
        return version.equals("TLSv1.2") ? 1 : 2;
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void aServerOnSeveralLoopsSharesItsKeysAndItsSessionCache(String version) throws InterruptedException {
        EventLoopGroup group = new EventLoopGroup("resume", 3);
        Set<EventLoop> loops = ConcurrentHashMap.newKeySet();
        TlsServer server = Tls.createServer(serverOptions().maxVersion(version).group(group).build(), socket -> {
            loops.add(socket.loop());
            socket.pipe(socket);
        });
        // Session ids too: a cache behind the listeners, which every loop uses.
        TlsServer idServer = Tls.createServer(serverOptions().maxVersion(version).group(group)
                .secureOptions(Constants.SSL_OP_NO_TICKET).sessionStore(io.jtls.session.InMemorySessionStore.create())
                .build(), socket -> {
            loops.add(socket.loop());
            socket.pipe(socket);
        });
        try (Listening tickets = listen(server); Listening ids = listen(idServer)) {
            for (Listening l : java.util.List.of(tickets, ids)) {
                byte[] session = connectFor(clientTo(l.port()).build(), sessionsPerHandshake(version)).session();
                for (int i = 0; i < 6; i++) {
                    Conn c = connectFor(clientTo(l.port()).session(session).build(), 0);
                    assertTrue(c.reused, "connection " + i + " on " + l);
                }
            }
            assertEquals(3, loops.size(), "the connections were spread over the three loops");
        }
        group.shutdown();
        assertTrue(group.awaitTermination(Duration.ofSeconds(5)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void serversGivenTheSameTicketKeysResumeEachOthersTickets(String version) {
        byte[] keys = new byte[48];
        new SecureRandom().nextBytes(keys);
        try (Listening a = listen(serverOptions().maxVersion(version).ticketKeys(keys).build());
             Listening b = listen(serverOptions().maxVersion(version).ticketKeys(keys).build());
             Listening c = listen(serverOptions().maxVersion(version).build())) {
            assertArrayEquals(keys, a.server().getTicketKeys());
            byte[] fromA = connectFor(clientTo(a.port()).build(), sessionsPerHandshake(version)).session();
            assertTrue(connectFor(clientTo(b.port()).session(fromA).build(), 0).reused, "same keys");
            assertFalse(connectFor(clientTo(c.port()).session(fromA).build(), 0).reused, "other keys: full handshake");
        }
    }

    @Test
    void setTicketKeysAppliesToNewConnectionsOnly() {
        try (Listening l = listen(serverOptions().maxVersion("TLSv1.2").build())) {
            Conn open = new Conn(clientTo(l.port()).build()).awaitSessions(1);
            byte[] session = open.session();
            byte[] old = l.server().getTicketKeys();
            byte[] fresh = new byte[48];
            new SecureRandom().nextBytes(fresh);
            l.server().setTicketKeys(fresh);
            assertArrayEquals(fresh, l.server().getTicketKeys());
            open.socket.write("still here");
            eventually("an open connection is not disturbed", () -> open.events.contains("data"));
            open.destroy();
            assertFalse(connectFor(clientTo(l.port()).session(session).build(), 1).reused,
                    "a ticket sealed with the replaced key: full handshake (Node)");
            l.server().setTicketKeys(old);
            assertTrue(connectFor(clientTo(l.port()).session(session).build(), 0).reused, "the old key back");
            TlsArgumentException bad = assertThrows(TlsArgumentException.class, () -> l.server().setTicketKeys(new byte[47]));
            assertEquals("ERR_INVALID_ARG_VALUE", bad.code());
        }
    }

    /** A clock the test moves. */
    static final class ManualClock implements InstantSource {
        volatile Instant now = Instant.parse("2030-01-01T00:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void aRotatingRingKeepsOldTicketsUntilTheirKeyRetires() {
        ManualClock clock = new ManualClock();
        TicketKeyRing ring = TicketKeyRing.builder().clock(clock).rotationInterval(Duration.ofHours(1))
                .decryptLifetime(Duration.ofHours(2)).build();
        TlsServerOptions options = serverOptions().ticketKeyRing(ring).build();
        try (Listening a = listen(options); Listening b = listen(options)) {
            assertArrayEquals(ring.current().toNodeBytes(), a.server().getTicketKeys(), "getTicketKeys(): the ring's current key");
            byte[] session = connectFor(clientTo(a.port()).build(), 2).session();
            assertTrue(connectFor(clientTo(b.port()).session(session).build(), 0).reused, "one ring, two servers");

            clock.now = clock.now.plus(Duration.ofMinutes(61));
            assertTrue(ring.rotateIfDue());
            Conn renewed = connectFor(clientTo(a.port()).session(session).build(), 1);
            assertTrue(renewed.reused, "the previous key still opens its tickets");
            assertNotNull(renewed.session(), "and the client gets a ticket sealed with the new key");

            clock.now = clock.now.plus(Duration.ofMinutes(60));
            assertFalse(connectFor(clientTo(a.port()).session(session).build(), 2).reused,
                    "the old key retired: full handshake");
            assertTrue(connectFor(clientTo(b.port()).session(renewed.session()).build(), 0).reused);

            TicketKey replacement = TicketKey.generate();
            a.server().setTicketKeys(replacement.toNodeBytes());
            assertEquals(replacement, ring.current(), "setTicketKeys() replaces the ring's keys, as Node");
            assertFalse(connectFor(clientTo(b.port()).session(renewed.session()).build(), 2).reused);
        }
    }

    @Test
    void noTicketOptionTurnsTicketsOff() {
        try (Listening l = listen(serverOptions().secureOptions(Constants.SSL_OP_NO_TICKET).maxVersion("TLSv1.2").build())) {
            Conn first = connectFor(clientTo(l.port()).build(), 1);
            assertNull(first.ticket, "no ticket");
            assertFalse(connectFor(clientTo(l.port()).session(first.session()).build(), 1).reused,
                    "and no cache without listeners or a store");
        }
    }

    @Test
    void sessionTimeoutIs300SecondsOnServersAndSessionsExpire() {
        // Sessions are made older instead of waiting for them to age: the ticket's sealed session
        // (what the server trusts), the store's clock, and the session a store hands to OpenSSL.
        byte[] keys = new byte[48];
        new SecureRandom().nextBytes(keys);
        AtomicReference<Instant> storeNow = new AtomicReference<>(Instant.now());
        io.jtls.session.InMemorySessionStore store = io.jtls.session.InMemorySessionStore.builder()
                .clock(storeNow::get).build();
        io.jtls.session.InMemorySessionStore plain = io.jtls.session.InMemorySessionStore.create();
        io.jtls.session.SessionStore handsOutOldSessions = new io.jtls.session.SessionStore() {
            @Override
            public CompletionStage<Void> put(byte[] id, byte[] data, Duration ttl) {
                return plain.put(id, data, ttl);
            }

            @Override
            public CompletionStage<byte[]> get(byte[] id) {
                return plain.get(id).thenApply(data -> data == null ? null : SessionTime.backdate(data, Duration.ofSeconds(2)));
            }
        };
        TlsServerOptions.Builder ids = serverOptions().sessionTimeout(1).maxVersion("TLSv1.2")
                .secureOptions(Constants.SSL_OP_NO_TICKET);
        try (Listening l = listen(serverOptions().build());
             Listening brief = listen(serverOptions().sessionTimeout(1).ticketKeys(keys).build());
             Listening briefIds = listen(ids.sessionStore(store).build());
             Listening agedIds = listen(ids.sessionStore(handsOutOldSessions).build())) {
            assertEquals(300, SslCtxCalls.SSL_CTX_get_timeout(SecureContexts.nativeOf(l.server().secureContext()).sslCtx()));
            byte[] ticket = connectFor(clientTo(brief.port()).build(), 2).session();
            byte[] id = connectFor(clientTo(briefIds.port()).build(), 1).session();
            assertTrue(connectFor(clientTo(brief.port()).session(ticket).build(), 0).reused);
            assertTrue(connectFor(clientTo(brief.port()).session(SessionTime.backdateTicket(ticket, keys, Duration.ZERO))
                    .build(), 0).reused, "a ticket sealed again but not older still resumes");
            assertTrue(connectFor(clientTo(briefIds.port()).session(id).build(), 0).reused);

            byte[] oldTicket = SessionTime.backdateTicket(ticket, keys, Duration.ofSeconds(2));
            assertFalse(connectFor(clientTo(brief.port()).session(oldTicket).build(), 2).reused, "ticket expired");
            storeNow.set(storeNow.get().plusSeconds(2));
            assertFalse(connectFor(clientTo(briefIds.port()).session(id).build(), 1).reused,
                    "stored session expired: the store's ttl is the sessionTimeout");
            byte[] agedId = connectFor(clientTo(agedIds.port()).build(), 1).session();
            assertEquals(1, plain.size());
            assertFalse(connectFor(clientTo(agedIds.port()).session(agedId).build(), 1).reused,
                    "OpenSSL refuses a session older than sessionTimeout that a store still holds");
        }
    }

    @Test
    void sessionsNeverCrossSessionIdContexts() {
        byte[] keys = new byte[48];
        new SecureRandom().nextBytes(keys);
        io.jtls.session.InMemorySessionStore store = io.jtls.session.InMemorySessionStore.create();
        TlsServerOptions.Builder tickets = serverOptions().maxVersion("TLSv1.2").ticketKeys(keys);
        TlsServerOptions.Builder ids = serverOptions().maxVersion("TLSv1.2").secureOptions(Constants.SSL_OP_NO_TICKET)
                .sessionStore(store);
        try (Listening a = listen(tickets.sessionIdContext("app-a").build());
             Listening aTwin = listen(tickets.sessionIdContext("app-a").build());
             Listening b = listen(tickets.sessionIdContext("app-b").build());
             Listening idA = listen(ids.sessionIdContext("app-a").build());
             Listening idATwin = listen(ids.sessionIdContext("app-a").build());
             Listening idB = listen(ids.sessionIdContext("app-b").build())) {
            byte[] ticket = connectFor(clientTo(a.port()).build(), 1).session();
            assertTrue(connectFor(clientTo(aTwin.port()).session(ticket).build(), 0).reused, "same keys and context");
            assertFalse(connectFor(clientTo(b.port()).session(ticket).build(), 1).reused,
                    "the ticket opens, but its session belongs to another context");

            byte[] id = connectFor(clientTo(idA.port()).build(), 1).session();
            assertTrue(connectFor(clientTo(idATwin.port()).session(id).build(), 0).reused, "one store, same context");
            assertFalse(connectFor(clientTo(idB.port()).session(id).build(), 1).reused, "one store, another context");
        }
    }
}
