package io.jtls.resumption;

import static org.junit.jupiter.api.Assertions.*;

import io.jtls.SecureContext;
import io.jtls.Tls;
import io.jtls.context.Constants;
import io.jtls.context.SecureContextOptions;
import io.jtls.internal.engine.EnginePair;
import io.jtls.internal.engine.EngineState;
import io.jtls.internal.engine.NewSession;
import io.jtls.internal.engine.TlsEngine;
import io.jtls.internal.openssl.NativeKind;
import io.jtls.pki.HeldCertificate;
import io.jtls.support.SessionTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The engine's session callbacks in memory, against real OpenSSL: which sessions a client and
 * a server are given, what a server looks up at the ClientHello, and that a session loaded
 * there resumes, for TLS 1.2 session ids and TLS 1.3 stateful tickets.
 */
class EngineSessionTest {
    static final HeldCertificate ROOT = HeldCertificate.builder().commonName("Resumption Root").certificateAuthority(0).build();
    static final HeldCertificate LEAF = HeldCertificate.builder().commonName("localhost")
            .addSubjectAltName("localhost").signedBy(ROOT).build();

    private long nativeStart;
    private long sessionsStart;
    private final List<SecureContext> contexts = new ArrayList<>();

    @BeforeEach
    void countNatives() {
        nativeStart = NativeKind.liveTotal();
        sessionsStart = NativeKind.SSL_SESSION.live();
    }

    @AfterEach
    void nativesFreed() {
        contexts.forEach(SecureContext::close);
        assertEquals(sessionsStart, NativeKind.SSL_SESSION.live(), "every SSL_SESSION freed once");
        assertEquals(nativeStart, NativeKind.liveTotal(), "native objects back to the start");
    }

    private SecureContext server(String maxVersion, long secureOptions, String sessionIdContext, int timeout) {
        SecureContext c = Tls.createSecureContext(SecureContextOptions.builder().cert(LEAF.certificatePem())
                .key(LEAF.privateKeyPem()).maxVersion(maxVersion).secureOptions(secureOptions)
                .sessionIdContext(sessionIdContext).sessionTimeout(timeout).build());
        contexts.add(c);
        return c;
    }

    private SecureContext client() {
        SecureContext c = Tls.createSecureContext(SecureContextOptions.builder().ca(ROOT.certificatePem()).build());
        contexts.add(c);
        return c;
    }

    /** One connection with session callbacks on both sides; returns what each side was given. */
    private record Result(List<NewSession> client, List<NewSession> server, boolean reused, byte[] lookedUp,
                          byte[] ticket) {}

    private Result connect(SecureContext clientCtx, SecureContext serverCtx, byte[] session, byte[] serverData) {
        try (EnginePair p = new EnginePair(clientCtx, serverCtx)) {
            p.client.enableSessionCallbacks();
            p.server.enableSessionCallbacks();
            if (session != null) {
                assertTrue(p.client.setSession(session));
            }
            p.handshake();
            byte[] lookedUp = null;
            if (p.server.state() == EngineState.AWAITING_CLIENT_HELLO) {
                lookedUp = p.server.sessionLookupId();
                assertNotNull(lookedUp, "paused only with an id to look up");
                if (serverData != null) {
                    p.server.loadSession(serverData);
                }
                p.resumeServer();
            }
            assertEquals(EngineState.ESTABLISHED, p.server.state());
            p.readTickets();
            assertEquals(p.client.isSessionReused(), p.server.isSessionReused());
            assertNull(p.server.tlsTicket(), "getTLSTicket() is for clients");
            return new Result(drain(p.client), drain(p.server), p.client.isSessionReused(), lookedUp,
                    p.client.tlsTicket());
        }
    }

    private static List<NewSession> drain(TlsEngine engine) {
        List<NewSession> sessions = new ArrayList<>();
        for (NewSession s; (s = engine.takeNewSession()) != null; ) {
            sessions.add(s);
        }
        assertFalse(engine.hasNewSession());
        return sessions;
    }

    @Test
    void tls12TicketsGiveTheClientOneSessionAndTheServerNone() {
        SecureContext server = server("TLSv1.2", 0, "a", 300);
        SecureContext client = client();
        Result first = connect(client, server, null, null);
        assertEquals(1, first.client().size());
        assertEquals(0, first.server().size(), "OpenSSL issues a ticket, no session id to store");
        assertNotNull(first.ticket(), "getTLSTicket(): the ticket inside the session");
        assertFalse(first.reused());

        Result second = connect(client, server, first.client().getFirst().data(), null);
        assertTrue(second.reused(), "resumed from the ticket");
        assertNull(second.lookedUp(), "a non-empty ticket is never looked up in the cache");
        assertEquals(0, second.client().size(), "a resumed TLS 1.2 session is not new");
    }

    @Test
    void tls12SessionIdsAreStoredAndLookedUp() {
        SecureContext server = server("TLSv1.2", Constants.SSL_OP_NO_TICKET, "a", 300);
        SecureContext client = client();
        Result first = connect(client, server, null, null);
        assertEquals(1, first.server().size());
        NewSession stored = first.server().getFirst();
        assertEquals(32, stored.id().length);
        assertArrayEquals(stored.id(), first.client().getFirst().id(), "the client holds the same session id");
        assertNull(first.ticket(), "no ticket without tickets");

        Result hit = connect(client, server, first.client().getFirst().data(), stored.data());
        assertArrayEquals(stored.id(), hit.lookedUp());
        assertTrue(hit.reused());
        assertEquals(0, hit.server().size(), "a resumed TLS 1.2 session is not new");

        Result miss = connect(client, server, first.client().getFirst().data(), null);
        assertArrayEquals(stored.id(), miss.lookedUp());
        assertFalse(miss.reused(), "a miss is a full handshake");
        assertEquals(1, miss.server().size(), "and a new session");
    }

    @Test
    void tls13StatefulTicketsAreStoredAndLookedUpByTheirIdentity() {
        SecureContext server = server("TLSv1.3", Constants.SSL_OP_NO_TICKET, "a", 300);
        SecureContext client = client();
        Result first = connect(client, server, null, null);
        assertNull(first.lookedUp(), "a TLS 1.3 client's random legacy session id is not looked up");
        assertEquals(2, first.server().size(), "one per NewSessionTicket");
        assertEquals(2, first.client().size());
        assertArrayEquals(first.server().get(1).id(), first.ticket(),
                "a stateful ticket (the client's latest) is the session id");

        for (int i = 0; i < 2; i++) {
            NewSession stored = first.server().get(i);
            Result hit = connect(client, server, first.client().get(i).data(), stored.data());
            assertArrayEquals(stored.id(), hit.lookedUp(), "the PSK identity is looked up");
            assertTrue(hit.reused(), "ticket " + i);
            assertEquals(1, hit.server().size(), "OpenSSL issues one fresh ticket after resuming");
        }
        Result miss = connect(client, server, first.client().getFirst().data(), null);
        assertFalse(miss.reused());
        // A session found under another id is refused before OpenSSL sees it.
        Result crossed = connect(client, server, first.client().getFirst().data(), first.server().get(1).data());
        assertFalse(crossed.reused());
    }

    @Test
    void tls13StatelessTicketsNeedNoStore() {
        SecureContext server = server("TLSv1.3", 0, "a", 300);
        SecureContext client = client();
        Result first = connect(client, server, null, null);
        assertEquals(2, first.client().size(), "one 'session' per ticket");
        assertEquals(0, first.server().size(), "nothing a store could look up");
        Result second = connect(client, server, first.client().getFirst().data(), null);
        assertTrue(second.reused());
        assertNull(second.lookedUp(), "the ticket is opened by OpenSSL, no lookup");
        assertEquals(0, second.client().size(),
                "no fresh ticket when the ticket's key is still current (OpenSSL; a Node server does the same)");
    }

    @Test
    void sessionsOfAnotherSessionIdContextOrExpiredOnesDoNotResume() {
        SecureContext a = server("TLSv1.2", Constants.SSL_OP_NO_TICKET, "app-a", 300);
        SecureContext b = server("TLSv1.2", Constants.SSL_OP_NO_TICKET, "app-b", 300);
        SecureContext client = client();
        Result first = connect(client, a, null, null);
        NewSession stored = first.server().getFirst();
        Result other = connect(client, b, first.client().getFirst().data(), stored.data());
        assertArrayEquals(stored.id(), other.lookedUp());
        assertFalse(other.reused(), "OpenSSL refuses a session of another sessionIdContext");

        SecureContext shortLived = server("TLSv1.2", Constants.SSL_OP_NO_TICKET, "app-a", 1);
        Result fresh = connect(client, shortLived, null, null);
        Result soon = connect(client, shortLived, fresh.client().getFirst().data(), fresh.server().getFirst().data());
        assertTrue(soon.reused());
        // Older than sessionTimeout without waiting: the store hands OpenSSL a back-dated session.
        byte[] stored2sAgo = SessionTime.backdate(fresh.server().getFirst().data(), Duration.ofSeconds(2));
        assertEquals(SessionTime.time(fresh.server().getFirst().data()) - 2, SessionTime.time(stored2sAgo));
        Result late = connect(client, shortLived, fresh.client().getFirst().data(), stored2sAgo);
        assertFalse(late.reused(), "expired after sessionTimeout");
    }

    @Test
    void garbageIsIgnored() {
        SecureContext server = server("TLSv1.2", Constants.SSL_OP_NO_TICKET, "a", 300);
        SecureContext client = client();
        Result first = connect(client, server, null, null);
        try (EnginePair p = new EnginePair(client, server)) {
            p.server.enableSessionCallbacks();
            assertFalse(p.client.setSession(new byte[] {0x30, 0x03, 1, 2, 3}), "not a session: ignored");
            assertThrows(IllegalStateException.class, () -> p.server.loadSession(new byte[0]), "only at the pause");
            assertTrue(p.client.setSession(first.client().getFirst().data()));
            p.handshake();
            assertEquals(EngineState.AWAITING_CLIENT_HELLO, p.server.state());
            assertFalse(p.server.loadSession("garbage".getBytes()), "data that is no session: a miss");
            p.resumeServer();
            assertFalse(p.server.isSessionReused());
        }
    }
}
