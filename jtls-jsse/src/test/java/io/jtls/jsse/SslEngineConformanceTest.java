package io.jtls.jsse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.security.Provider;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The SSLEngine contract, checked on every pairing of the JDK's provider and jtls's (client ×
 * server): each expectation holds on JDK ⇄ JDK first, and jtls ⇄ jtls, jtls ⇄ JDK and JDK ⇄ jtls
 * must meet it too. The cases follow what the JDK's own SSLEngine tests and Netty's SSLEngineTest
 * check: the handshake loop and its statuses, buffer underflow and overflow, the close handshake,
 * ALPN, SNI, client authentication, trust failures and session reuse.
 */
class SslEngineConformanceTest {
    static Stream<Arguments> pairs() {
        List<Arguments> pairs = new ArrayList<>();
        for (Provider client : List.of(TestTls.JDK, TestTls.JTLS)) {
            for (Provider server : List.of(TestTls.JDK, TestTls.JTLS)) {
                pairs.add(Arguments.of(TestTls.name(client) + "-client", client,
                        TestTls.name(server) + "-server", server));
            }
        }
        return pairs.stream();
    }

    private static EnginePump pump(SSLContext clientContext, SSLContext serverContext, String host) {
        SSLEngine client = clientContext.createSSLEngine(host, 4433);
        client.setUseClientMode(true);
        SSLEngine server = serverContext.createSSLEngine();
        server.setUseClientMode(false);
        return new EnginePump(client, server);
    }

    private static EnginePump pump(Provider clientProvider, Provider serverProvider) {
        return pump(TestTls.client(clientProvider), TestTls.server(serverProvider), "localhost");
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("pairs")
    void handshakeThenDataBothWays(String c, Provider clientProvider, String s, Provider serverProvider) throws Exception {
        EnginePump pump = pump(clientProvider, serverProvider);
        assertEquals("SSL_NULL_WITH_NULL_NULL", pump.client.getSession().getCipherSuite(), "no session before the handshake");
        pump.handshake();
        SSLSession clientSession = pump.client.getSession();
        SSLSession serverSession = pump.server.getSession();
        assertEquals("TLSv1.3", clientSession.getProtocol());
        assertEquals("TLSv1.3", serverSession.getProtocol());
        assertEquals(clientSession.getCipherSuite(), serverSession.getCipherSuite());
        assertTrue(clientSession.getCipherSuite().startsWith("TLS_"), clientSession.getCipherSuite());
        X509Certificate leaf = (X509Certificate) clientSession.getPeerCertificates()[0];
        assertEquals(TestTls.x509(TestTls.SERVER), leaf);
        assertEquals(leaf, serverSession.getLocalCertificates()[0]);
        assertThrows(SSLPeerUnverifiedException.class, serverSession::getPeerCertificates, "no client certificate");
        assertEquals("localhost", clientSession.getPeerHost());
        assertEquals(4433, clientSession.getPeerPort());
        assertTrue(clientSession.getPacketBufferSize() >= 16384 + 5);
        assertTrue(clientSession.getApplicationBufferSize() >= 16384);

        byte[] big = new byte[100_000];
        new Random(1).nextBytes(big);
        assertArrayEquals(big, pump.send(pump.client, big));
        assertArrayEquals(big, pump.send(pump.server, big));
        assertArrayEquals("pong".getBytes(), pump.send(pump.server, "pong".getBytes()));
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("pairs")
    void tls12WhenTheClientOffersOnlyTls12(String c, Provider clientProvider, String s, Provider serverProvider) throws Exception {
        EnginePump pump = pump(clientProvider, serverProvider);
        pump.client.setEnabledProtocols(new String[] {"TLSv1.2"});
        pump.client.setEnabledCipherSuites(new String[] {"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"});
        pump.handshake();
        assertEquals("TLSv1.2", pump.client.getSession().getProtocol());
        assertEquals("TLSv1.2", pump.server.getSession().getProtocol());
        assertEquals("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", pump.client.getSession().getCipherSuite());
        assertEquals("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", pump.server.getSession().getCipherSuite());
        assertArrayEquals("hello".getBytes(), pump.send(pump.client, "hello".getBytes()));
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("pairs")
    void theOnlyEnabledTls13SuiteIsNegotiated(String c, Provider clientProvider, String s, Provider serverProvider) throws Exception {
        EnginePump pump = pump(clientProvider, serverProvider);
        pump.client.setEnabledCipherSuites(new String[] {"TLS_CHACHA20_POLY1305_SHA256"});
        pump.handshake();
        assertEquals("TLS_CHACHA20_POLY1305_SHA256", pump.server.getSession().getCipherSuite());
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("pairs")
    void alpnTheServersChoiceAmongTheClientsOffer(String c, Provider clientProvider, String s, Provider serverProvider) throws Exception {
        EnginePump pump = pump(clientProvider, serverProvider);
        SSLParameters cp = pump.client.getSSLParameters();
        cp.setApplicationProtocols(new String[] {"h2", "http/1.1"});
        pump.client.setSSLParameters(cp);
        SSLParameters sp = pump.server.getSSLParameters();
        sp.setApplicationProtocols(new String[] {"http/1.1"});
        pump.server.setSSLParameters(sp);
        assertEquals(null, pump.client.getApplicationProtocol(), "null before the handshake");
        pump.handshake();
        assertEquals("http/1.1", pump.client.getApplicationProtocol());
        assertEquals("http/1.1", pump.server.getApplicationProtocol());
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("pairs")
    void noAlpnIsTheEmptyString(String c, Provider clientProvider, String s, Provider serverProvider) throws Exception {
        EnginePump pump = pump(clientProvider, serverProvider);
        pump.handshake();
        assertEquals("", pump.client.getApplicationProtocol());
        assertEquals("", pump.server.getApplicationProtocol());
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("pairs")
    void alpnSelectorSeesTheOfferAndDecides(String c, Provider clientProvider, String s, Provider serverProvider) throws Exception {
        EnginePump pump = pump(clientProvider, serverProvider);
        SSLParameters cp = pump.client.getSSLParameters();
        cp.setApplicationProtocols(new String[] {"spdy/3", "h2", "http/1.1"});
        pump.client.setSSLParameters(cp);
        List<List<String>> offers = new ArrayList<>();
        pump.server.setHandshakeApplicationProtocolSelector((engine, offered) -> {
            offers.add(List.copyOf(offered));
            return "h2";
        });
        pump.handshake();
        assertEquals(List.of(List.of("spdy/3", "h2", "http/1.1")), offers);
        assertEquals("h2", pump.client.getApplicationProtocol());
        assertEquals("h2", pump.server.getApplicationProtocol());
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("pairs")
    void sniPicksTheServersCertificateForTheName(String c, Provider clientProvider, String s, Provider serverProvider) throws Exception {
        SSLContext server = TestTls.context(serverProvider, "TLS",
                TestTls.keyManagers(TestTls.SERVER_RSA, TestTls.OTHER_HOST), TestTls.trustManagers(TestTls.ROOT));
        EnginePump pump = pump(TestTls.client(clientProvider), server, "www.example.test");
        // The JDK's PKIX key manager matches certificates to the SNI name only for a server engine
        // with endpoint identification on (Jetty sets it for this reason).
        SSLParameters sp = pump.server.getSSLParameters();
        sp.setEndpointIdentificationAlgorithm("HTTPS");
        pump.server.setSSLParameters(sp);
        pump.handshake();
        X509Certificate leaf = (X509Certificate) pump.client.getSession().getPeerCertificates()[0];
        assertEquals(TestTls.x509(TestTls.OTHER_HOST), leaf);
        var names = ((javax.net.ssl.ExtendedSSLSession) pump.server.getSession()).getRequestedServerNames();
        assertEquals(List.of(new SNIHostName("www.example.test")), names);

        EnginePump other = pump(TestTls.client(clientProvider), server, "localhost"); // no SNI for a dotless name
        other.handshake();
        assertEquals(TestTls.x509(TestTls.SERVER_RSA), other.client.getSession().getPeerCertificates()[0]);
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("pairs")
    void sniMatcherRefusesAnUnknownName(String c, Provider clientProvider, String s, Provider serverProvider) throws Exception {
        EnginePump pump = pump(TestTls.client(clientProvider), TestTls.server(serverProvider), "www.example.test");
        SSLParameters sp = pump.server.getSSLParameters();
        sp.setSNIMatchers(List.<SNIMatcher>of(SNIHostName.createSNIMatcher("only\\.example\\.test")));
        pump.server.setSSLParameters(sp);
        assertThrows(SSLHandshakeException.class, pump::handshake);
        assertEquals(0, EnginePump.finishedCount(pump.clientResults), "the client never finished");
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("pairs")
    void needClientAuthWithACertificate(String c, Provider clientProvider, String s, Provider serverProvider) throws Exception {
        SSLContext client = TestTls.context(clientProvider, "TLS", TestTls.keyManagers(TestTls.CLIENT),
                TestTls.trustManagers(TestTls.ROOT));
        EnginePump pump = pump(client, TestTls.server(serverProvider), "localhost");
        pump.server.setNeedClientAuth(true);
        pump.handshake();
        X509Certificate peer = (X509Certificate) pump.server.getSession().getPeerCertificates()[0];
        assertEquals(TestTls.x509(TestTls.CLIENT), peer);
        assertEquals(peer, pump.client.getSession().getLocalCertificates()[0]);
        assertArrayEquals("authenticated".getBytes(), pump.send(pump.client, "authenticated".getBytes()));
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("pairs")
    void needClientAuthWithoutACertificateFails(String c, Provider clientProvider, String s, Provider serverProvider) {
        EnginePump pump = pump(clientProvider, serverProvider);
        pump.server.setNeedClientAuth(true);
        SSLException e = assertThrows(SSLException.class, pump::handshake);
        assertTrue(e instanceof SSLHandshakeException || e.getCause() != null, e.toString());
        assertEquals(0, EnginePump.finishedCount(pump.serverResults), "the server never finished");
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("pairs")
    void anUntrustedClientCertificateFailsTheServersHandshake(String c, Provider clientProvider, String s,
                                                              Provider serverProvider) {
        SSLContext client = TestTls.context(clientProvider, "TLS", TestTls.keyManagers(TestTls.UNTRUSTED),
                TestTls.trustManagers(TestTls.ROOT));
        EnginePump pump = pump(client, TestTls.server(serverProvider), "localhost");
        pump.server.setNeedClientAuth(true);
        assertThrows(SSLException.class, pump::handshake);
        assertEquals(0, EnginePump.finishedCount(pump.serverResults), "the server never finished");
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("pairs")
    void wantClientAuthWithoutACertificateSucceeds(String c, Provider clientProvider, String s, Provider serverProvider) throws Exception {
        EnginePump pump = pump(clientProvider, serverProvider);
        pump.server.setWantClientAuth(true);
        pump.handshake();
        assertThrows(SSLPeerUnverifiedException.class, pump.server.getSession()::getPeerCertificates);
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("pairs")
    void anUntrustedServerFailsTheClientsHandshake(String c, Provider clientProvider, String s, Provider serverProvider) {
        SSLContext server = TestTls.context(serverProvider, "TLS", TestTls.keyManagers(TestTls.UNTRUSTED), null);
        for (String version : List.of("TLSv1.3", "TLSv1.2")) {
            EnginePump pump = pump(TestTls.client(clientProvider), server, "localhost");
            pump.client.setEnabledProtocols(new String[] {version});
            SSLException e = assertThrows(SSLException.class, pump::handshake);
            assertNotNull(e);
            assertEquals(0, EnginePump.finishedCount(pump.clientResults), "the client never finished");
            assertEquals(0, EnginePump.finishedCount(pump.serverResults), "nor the server: " + version);
            assertThrows(SSLPeerUnverifiedException.class, pump.client.getSession()::getPeerCertificates);
        }
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("pairs")
    void httpsEndpointIdentificationRefusesAnotherHostsCertificate(String c, Provider clientProvider, String s,
                                                                   Provider serverProvider) throws Exception {
        SSLContext server = TestTls.context(serverProvider, "TLS", TestTls.keyManagers(TestTls.OTHER_HOST), null);
        EnginePump refused = pump(TestTls.client(clientProvider), server, "localhost");
        SSLParameters p = refused.client.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        refused.client.setSSLParameters(p);
        assertThrows(SSLHandshakeException.class, refused::handshake);

        EnginePump accepted = pump(TestTls.client(clientProvider), server, "localhost"); // no identification: trusted chain
        accepted.handshake();
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("pairs")
    void partialRecordsUnderflowAndNothingIsConsumed(String c, Provider clientProvider, String s, Provider serverProvider) throws Exception {
        EnginePump pump = pump(clientProvider, serverProvider);
        pump.handshake();
        ByteBuffer wire = ByteBuffer.allocate(pump.client.getSession().getPacketBufferSize());
        SSLEngineResult wrapped = pump.client.wrap(ByteBuffer.wrap(new byte[1000]), wire);
        assertEquals(Status.OK, wrapped.getStatus());
        assertEquals(1000, wrapped.bytesConsumed());
        wire.flip();
        ByteBuffer app = ByteBuffer.allocate(pump.server.getSession().getApplicationBufferSize());
        for (int limit : new int[] {0, 3, 5, wire.remaining() - 1}) {
            ByteBuffer part = wire.duplicate().limit(limit);
            SSLEngineResult r = pump.server.unwrap(part, app);
            assertEquals(Status.BUFFER_UNDERFLOW, r.getStatus(), "with " + limit + " bytes");
            assertEquals(0, r.bytesConsumed());
            assertEquals(0, part.position());
        }
        SSLEngineResult r = pump.server.unwrap(wire, app);
        assertEquals(Status.OK, r.getStatus());
        assertEquals(1000, r.bytesProduced());
        assertFalse(wire.hasRemaining());
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("pairs")
    void aSmallDestinationOverflowsAndNothingIsConsumed(String c, Provider clientProvider, String s, Provider serverProvider) throws Exception {
        EnginePump pump = pump(clientProvider, serverProvider);
        pump.handshake();
        ByteBuffer tiny = ByteBuffer.allocate(50);
        ByteBuffer data = ByteBuffer.wrap(new byte[1000]);
        SSLEngineResult w = pump.client.wrap(data, tiny);
        assertEquals(Status.BUFFER_OVERFLOW, w.getStatus());
        assertEquals(0, w.bytesConsumed());
        assertEquals(0, tiny.position());

        ByteBuffer wire = ByteBuffer.allocate(pump.client.getSession().getPacketBufferSize());
        assertEquals(Status.OK, pump.client.wrap(data, wire).getStatus());
        wire.flip();
        SSLEngineResult u = pump.server.unwrap(wire, ByteBuffer.allocate(10));
        assertEquals(Status.BUFFER_OVERFLOW, u.getStatus());
        assertEquals(0, u.bytesConsumed());
        ByteBuffer app = ByteBuffer.allocate(pump.server.getSession().getApplicationBufferSize());
        SSLEngineResult ok = pump.server.unwrap(wire, app);
        assertEquals(Status.OK, ok.getStatus());
        assertEquals(1000, ok.bytesProduced());
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("pairs")
    void closeHandshake(String c, Provider clientProvider, String s, Provider serverProvider) throws Exception {
        EnginePump pump = pump(clientProvider, serverProvider);
        pump.handshake();
        pump.client.closeOutbound();
        assertEquals(HandshakeStatus.NEED_WRAP, pump.client.getHandshakeStatus());
        ByteBuffer wire = ByteBuffer.allocate(pump.client.getSession().getPacketBufferSize());
        SSLEngineResult w = pump.client.wrap(ByteBuffer.allocate(0), wire);
        assertEquals(Status.CLOSED, w.getStatus());
        assertTrue(w.bytesProduced() > 0, "close_notify");
        assertTrue(pump.client.isOutboundDone());
        assertEquals(Status.CLOSED, pump.client.wrap(ByteBuffer.wrap(new byte[10]), wire).getStatus(), "no data after close");

        wire.flip();
        ByteBuffer app = ByteBuffer.allocate(pump.server.getSession().getApplicationBufferSize());
        SSLEngineResult u = pump.server.unwrap(wire, app);
        assertEquals(Status.CLOSED, u.getStatus());
        assertTrue(pump.server.isInboundDone());
        pump.server.closeInbound(); // after close_notify: no truncation error

        pump.server.closeOutbound();
        ByteBuffer back = ByteBuffer.allocate(pump.server.getSession().getPacketBufferSize());
        SSLEngineResult reply = pump.server.wrap(ByteBuffer.allocate(0), back);
        assertEquals(Status.CLOSED, reply.getStatus());
        assertTrue(pump.server.isOutboundDone());
        back.flip();
        if (back.hasRemaining()) {
            assertEquals(Status.CLOSED, pump.client.unwrap(back, app).getStatus());
        }
        assertEquals(HandshakeStatus.NOT_HANDSHAKING, pump.server.getHandshakeStatus());
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("pairs")
    void closeInboundWithoutClosNotifyIsATruncation(String c, Provider clientProvider, String s, Provider serverProvider) throws Exception {
        EnginePump pump = pump(clientProvider, serverProvider);
        pump.handshake();
        assertThrows(SSLException.class, pump.server::closeInbound);
        assertTrue(pump.server.isInboundDone());
    }

    /**
     * TLS 1.2 only: there a resumed session is the same session (same id) on SunJSSE too. A
     * TLS 1.3 resumption makes a new session on SunJSSE (see JtlsProviderTest for jtls's).
     */
    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("pairs")
    void sessionsAreReusedByTheClientContext(String c, Provider clientProvider, String s, Provider serverProvider)
            throws Exception {
        assertEquals(2, Resumption.handshakes(TestTls.client(clientProvider), TestTls.server(serverProvider), "TLSv1.2"));
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("pairs")
    void anInvalidatedSessionIsNotResumed(String c, Provider clientProvider, String s, Provider serverProvider)
            throws Exception {
        SSLContext client = TestTls.client(clientProvider);
        SSLContext server = TestTls.server(serverProvider);
        byte[][] ids = new byte[2][];
        for (int i = 0; i < 2; i++) {
            EnginePump pump = pump(client, server, "localhost");
            pump.client.setEnabledProtocols(new String[] {"TLSv1.2"});
            pump.handshake();
            ids[i] = pump.client.getSession().getId();
            assertTrue(client.getClientSessionContext().getIds().hasMoreElements(), "the client context lists it");
            pump.client.getSession().invalidate();
            pump.client.closeOutbound();
            pump.run();
        }
        assertFalse(java.util.Arrays.equals(ids[0], ids[1]), "a new session");
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("pairs")
    void anEngineWithoutAModeRefusesToStart(String c, Provider clientProvider, String s, Provider serverProvider) {
        SSLEngine engine = TestTls.client(clientProvider).createSSLEngine();
        assertThrows(IllegalStateException.class, () -> engine.wrap(ByteBuffer.allocate(0), ByteBuffer.allocate(20000)));
    }
}
