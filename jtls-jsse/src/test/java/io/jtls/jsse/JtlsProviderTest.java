package io.jtls.jsse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyManagementException;
import java.security.Provider;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** The provider itself: how it is found, its SSLContext algorithms, its settings and its native lifetime. */
class JtlsProviderTest {
    @Test
    void serviceLoaderFindsTheProvider() {
        List<Provider> found = ServiceLoader.load(Provider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.getName().equals(JtlsProvider.NAME)).toList();
        assertEquals(1, found.size());
        assertInstanceOf(JtlsProvider.class, found.get(0));
    }

    @Test
    void everySslContextAlgorithmMakesEngines() throws Exception {
        for (String protocol : List.of("TLS", "TLSv1.2", "TLSv1.3", "Default")) {
            SSLContext context = SSLContext.getInstance(protocol, TestTls.JTLS);
            if (!protocol.equals("Default")) {
                context.init(null, TestTls.trustManagers(TestTls.ROOT), null);
            }
            assertEquals(protocol, context.getProtocol());
            assertInstanceOf(JtlsSslEngine.class, context.createSSLEngine());
        }
    }

    @Test
    void theDefaultContextIsReadyAndRefusesInit() throws Exception {
        SSLContext context = SSLContext.getInstance("Default", TestTls.JTLS);
        assertThrows(KeyManagementException.class, () -> context.init(null, null, null));
        // Its trust is the JDK's default store, where the test root is not.
        EnginePump pump = new EnginePump(context.createSSLEngine("localhost", 443),
                TestTls.server(TestTls.JTLS).createSSLEngine());
        pump.client.setUseClientMode(true);
        pump.server.setUseClientMode(false);
        assertThrows(SSLHandshakeException.class, pump::handshake);
    }

    @Test
    void aTls12ContextMakesTls12Clients() throws Exception {
        SSLContext context = TestTls.context(TestTls.JTLS, "TLSv1.2", null, TestTls.trustManagers(TestTls.ROOT));
        SSLEngine client = context.createSSLEngine("localhost", 443);
        client.setUseClientMode(true);
        assertArrayEquals(new String[] {"TLSv1.2"}, client.getEnabledProtocols());
        SSLEngine chosen = context.createSSLEngine();
        chosen.setEnabledProtocols(new String[] {"TLSv1.3"});
        chosen.setUseClientMode(true);
        assertArrayEquals(new String[] {"TLSv1.3"}, chosen.getEnabledProtocols(), "chosen before the mode: kept");
        SSLEngine server = TestTls.server(TestTls.JTLS).createSSLEngine();
        server.setUseClientMode(false);
        EnginePump pump = new EnginePump(client, server);
        pump.handshake();
        assertEquals("TLSv1.2", server.getSession().getProtocol());
    }

    @Test
    void suitesAndProtocolsAreIanaNamesAndUnknownOnesAreRefused() {
        SSLEngine engine = TestTls.client(TestTls.JTLS).createSSLEngine();
        List<String> supported = Arrays.asList(engine.getSupportedCipherSuites());
        assertTrue(supported.contains("TLS_AES_128_GCM_SHA256"), supported.toString());
        assertTrue(supported.contains("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"), supported.toString());
        assertTrue(supported.containsAll(Arrays.asList(engine.getEnabledCipherSuites())));
        assertFalse(supported.stream().anyMatch(s -> s.contains("-")), "no OpenSSL names");
        assertThrows(IllegalArgumentException.class, () -> engine.setEnabledCipherSuites(new String[] {"ECDHE-RSA-AES128-GCM-SHA256"}));
        assertThrows(IllegalArgumentException.class, () -> engine.setEnabledProtocols(new String[] {"SSLv3"}));
        engine.setEnabledProtocols(new String[] {"TLSv1.3", "SSLv2Hello"});
        assertArrayEquals(new String[] {"TLSv1.3"}, engine.getEnabledProtocols());
    }

    @Test
    void theNativeConnectionIsFreedByTheCloseHandshakeAndByAFailure() throws Exception {
        SSLContext client = TestTls.client(TestTls.JTLS);
        SSLContext server = TestTls.server(TestTls.JTLS);
        EnginePump pump = new EnginePump(client.createSSLEngine("localhost", 1), server.createSSLEngine());
        pump.client.setUseClientMode(true);
        pump.server.setUseClientMode(false);
        pump.handshake();
        assertFalse(((JtlsSslEngine) pump.client).nativeReleased());
        pump.client.closeOutbound();
        pump.run(); // close_notify both ways
        assertTrue(pump.client.isInboundDone() && pump.client.isOutboundDone());
        assertTrue(pump.server.isInboundDone() && pump.server.isOutboundDone());
        assertTrue(((JtlsSslEngine) pump.client).nativeReleased());
        assertTrue(((JtlsSslEngine) pump.server).nativeReleased());
        assertEquals("TLSv1.3", pump.client.getSession().getProtocol(), "the session outlives the connection");

        EnginePump failing = new EnginePump(client.createSSLEngine("localhost", 1), server.createSSLEngine());
        failing.client.setUseClientMode(true);
        failing.server.setUseClientMode(false);
        failing.server.setNeedClientAuth(true);
        assertThrows(SSLException.class, failing::handshake);
        // The server's alert goes out, and the client fails on it in turn.
        SSLException clientSide = assertThrows(SSLException.class, failing::run);
        assertTrue(clientSide.getMessage().contains("certificate required"), clientSide.getMessage());
        assertTrue(((JtlsSslEngine) failing.server).nativeReleased());
        assertTrue(((JtlsSslEngine) failing.client).nativeReleased());
    }

    @Test
    void aJtlsClientResumesTls13SessionsFromTickets() throws Exception {
        for (Provider server : List.of(TestTls.JDK, TestTls.JTLS)) {
            assertEquals(2, Resumption.handshakes(TestTls.client(TestTls.JTLS), TestTls.server(server), "TLSv1.3"));
        }
    }

    /**
     * jtls refuses TLS 1.2 renegotiation (its trust manager check covers the first handshake's
     * chain only): a JDK client that tries gets OpenSSL's no_renegotiation answer, which SunJSSE
     * reports as a handshake failure; SunJSSE's own server would have renegotiated.
     */
    @Test
    void aJtlsServerRefusesRenegotiation() throws Exception {
        SSLEngine client = TestTls.client(TestTls.JDK).createSSLEngine("localhost", 1);
        client.setUseClientMode(true);
        client.setEnabledProtocols(new String[] {"TLSv1.2"});
        SSLEngine server = TestTls.server(TestTls.JTLS).createSSLEngine();
        server.setUseClientMode(false);
        EnginePump pump = new EnginePump(client, server);
        pump.handshake();
        client.beginHandshake();
        SSLHandshakeException refused = assertThrows(SSLHandshakeException.class, pump::run);
        assertTrue(refused.getMessage().contains("no_renegotiation"), refused.getMessage());
        assertEquals(HandshakeStatus.NOT_HANDSHAKING, server.getHandshakeStatus(), "the server is not renegotiating");
    }

    @Test
    void theTrustTaskMayRunOnAnotherThread() throws Exception {
        SSLEngine client = TestTls.client(TestTls.JTLS).createSSLEngine("localhost", 1);
        client.setUseClientMode(true);
        SSLEngine server = TestTls.server(TestTls.JDK).createSSLEngine();
        server.setUseClientMode(false);
        EnginePump pump = new EnginePump(client, server);
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            client.beginHandshake();
            int tasks = 0;
            for (int round = 0; round < 50 && !(pump.clientResults.size() > 0 && isDone(client)); round++) {
                if (client.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
                    Runnable task = client.getDelegatedTask();
                    assertEquals(null, client.getDelegatedTask(), "one task, handed out once");
                    assertEquals(HandshakeStatus.NEED_TASK, client.getHandshakeStatus(), "still running");
                    executor.submit(task).get(10, TimeUnit.SECONDS);
                    tasks++;
                }
                EnginePump.step(client, pump.toClient, pump.toServer, pump.clientApp, pump.clientResults);
                EnginePump.step(server, pump.toServer, pump.toClient, pump.serverApp, pump.serverResults);
            }
            assertEquals(1, tasks, "the server's chain was checked once");
            assertNotEquals(0, EnginePump.finishedCount(pump.clientResults));
        } finally {
            executor.shutdownNow();
        }
    }

    private static boolean isDone(SSLEngine engine) {
        return engine.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING;
    }
}
