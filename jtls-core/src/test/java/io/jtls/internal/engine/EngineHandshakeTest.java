package io.jtls.internal.engine;

import static io.jtls.internal.engine.TestPki.CLIENT;
import static io.jtls.internal.engine.TestPki.INTERMEDIATE;
import static io.jtls.internal.engine.TestPki.ROOT;
import static io.jtls.internal.engine.TestPki.SERVER_EC;
import static io.jtls.internal.engine.TestPki.SERVER_RSA;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.handshake.CipherInfo;
import io.jtls.handshake.EphemeralKeyInfo;
import io.jtls.support.NativeLeakCheck;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Client engine against server engine in memory: every getter after a successful handshake,
 * for TLS 1.3 and 1.2, EC and RSA, with and without client certificates. Expected values are
 * what Node v20 on the same OpenSSL prints for the same setup.
 */
class EngineHandshakeTest {
    @RegisterExtension
    final NativeLeakCheck leaks = NativeLeakCheck.after(() -> TestPki.ROOT.hashCode()); // make the PKI before counting

    @Test
    void tls13WithEcCertificateChainReportsWhatNodeReports() {
        try (var serverCtx = TestContexts.builder().cert(SERVER_EC).build();
             var clientCtx = TestContexts.builder().ca(ROOT).build();
             var pair = new EnginePair(clientCtx, serverCtx)) {
            pair.client.setServername("localhost");
            pair.handshake();

            for (TlsEngine e : List.of(pair.client, pair.server)) {
                assertEquals(EngineState.ESTABLISHED, e.state());
                assertEquals("TLSv1.3", e.protocol());
                assertEquals(new CipherInfo("TLS_AES_256_GCM_SHA384", "TLS_AES_256_GCM_SHA384", "TLSv1.3"), e.cipher());
                assertFalse(e.isSessionReused());
                assertNull(e.alpnProtocol());
                assertEquals("localhost", e.servername());
                assertEquals(48, e.finished().length); // SHA-384 verify_data
            }
            assertTrue(pair.client.isServer() == false && pair.server.isServer());
            assertEquals(new EphemeralKeyInfo("ECDH", "X25519", 253), pair.client.ephemeralKeyInfo());
            assertNull(pair.server.ephemeralKeyInfo(), "Node: null on the server side");
            assertArrayEquals(pair.client.finished(), pair.server.peerFinished());
            assertArrayEquals(pair.server.finished(), pair.client.peerFinished());

            assertNull(pair.client.verifyError(), "chain leaf -> intermediate -> trusted root verifies");
            assertEquals(0, pair.client.verifyResult());
            // A server that did not request a certificate has none: Node's "questionable" default.
            assertEquals("UNABLE_TO_GET_ISSUER_CERT", pair.server.verifyError().code());

            assertArrayEquals("ping".getBytes(StandardCharsets.UTF_8),
                    pair.send(pair.client, pair.server, "ping".getBytes(StandardCharsets.UTF_8)));
            assertArrayEquals("pong".getBytes(StandardCharsets.UTF_8),
                    pair.send(pair.server, pair.client, "pong".getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void tls12WithRsaCertificate() {
        try (var serverCtx = TestContexts.builder().cert(SERVER_RSA).build();
             var clientCtx = TestContexts.builder().ca(ROOT).maxVersion("TLSv1.2")
                     .ciphers("ECDHE-RSA-AES128-GCM-SHA256").build();
             var pair = new EnginePair(clientCtx, serverCtx)) {
            pair.handshake();

            for (TlsEngine e : List.of(pair.client, pair.server)) {
                assertEquals("TLSv1.2", e.protocol());
                assertEquals(new CipherInfo("ECDHE-RSA-AES128-GCM-SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                        "TLSv1.2"), e.cipher());
                assertEquals(12, e.finished().length);
                assertEquals(12, e.peerFinished().length);
                assertNull(e.servername(), "no SNI sent: Node's false");
            }
            assertEquals(new EphemeralKeyInfo("ECDH", "X25519", 253), pair.client.ephemeralKeyInfo());
            assertNull(pair.client.verifyError());
        }
    }

    @Test
    void ephemeralKeyInfoForP256DheAndRsaKeyTransport() {
        try (var p256 = TestContexts.builder().cert(SERVER_RSA).ecdhCurve("prime256v1").build();
             var dhe = TestContexts.builder().cert(SERVER_RSA).dhparamAuto().build();
             var client = TestContexts.builder().ca(ROOT).build();
             var dheClient = TestContexts.builder().ca(ROOT).maxVersion("TLSv1.2").ciphers("DHE-RSA-AES128-GCM-SHA256").build();
             var rsaClient = TestContexts.builder().ca(ROOT).maxVersion("TLSv1.2").ciphers("AES128-GCM-SHA256").build()) {
            try (var pair = new EnginePair(client, p256)) {
                pair.handshake();
                assertEquals(new EphemeralKeyInfo("ECDH", "prime256v1", 256), pair.client.ephemeralKeyInfo());
            }
            try (var pair = new EnginePair(dheClient, dhe)) {
                pair.handshake();
                assertEquals("DHE-RSA-AES128-GCM-SHA256", pair.client.cipher().name());
                assertEquals(new EphemeralKeyInfo("DH", null, 2048), pair.client.ephemeralKeyInfo());
            }
            try (var pair = new EnginePair(rsaClient, p256)) {
                pair.handshake();
                assertEquals(new CipherInfo("AES128-GCM-SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256", "TLSv1.2"),
                        pair.client.cipher());
                assertSame(EphemeralKeyInfo.NONE, pair.client.ephemeralKeyInfo(), "Node: {}");
            }
        }
    }

    @Test
    void oldSuitesReportTheVersionThatDefinedThemAsNodeDoes() {
        try (var serverCtx = TestContexts.builder().cert(SERVER_RSA).build();
             var clientCtx = TestContexts.builder().ca(ROOT).maxVersion("TLSv1.2").ciphers("AES128-SHA").build();
             var pair = new EnginePair(clientCtx, serverCtx)) {
            pair.handshake();
            // Node v20: { name: 'AES128-SHA', standardName: 'TLS_RSA_WITH_AES_128_CBC_SHA', version: 'SSLv3' }
            assertEquals(new CipherInfo("AES128-SHA", "TLS_RSA_WITH_AES_128_CBC_SHA", "SSLv3"), pair.client.cipher());
            assertEquals("TLSv1.2", pair.client.protocol());
        }
    }

    @Test
    void resumedSessionsAreReportedOnBothSides() {
        for (String version : List.of("TLSv1.3", "TLSv1.2")) {
            try (var serverCtx = TestContexts.builder().cert(SERVER_EC).build();
                 var clientCtx = TestContexts.builder().ca(ROOT).maxVersion(version).build()) {
                byte[] session;
                try (var first = new EnginePair(clientCtx, serverCtx)) {
                    first.handshake();
                    first.send(first.server, first.client, "x".getBytes()); // TLS 1.3 tickets arrive with data
                    session = first.client.session();
                    assertFalse(first.client.isSessionReused());
                }
                assertNotNull(session, version);
                try (var second = new EnginePair(clientCtx, serverCtx)) {
                    assertTrue(second.client.setSession(session));
                    second.handshake();
                    assertTrue(second.client.isSessionReused(), version);
                    assertTrue(second.server.isSessionReused(), version);
                    assertNull(second.client.verifyError(), "the session keeps the verified peer");
                    // Node: no client certificate is fine on a resumed TLS 1.3 session (PSK-like), not on 1.2.
                    assertEquals(version.equals("TLSv1.3") ? null : "UNABLE_TO_GET_ISSUER_CERT",
                            second.server.verifyError() == null ? null : second.server.verifyError().code());
                }
                try (var third = new EnginePair(clientCtx, serverCtx)) {
                    assertFalse(third.client.setSession("not a session".getBytes()), "ignored, as Node does");
                    third.handshake();
                    assertFalse(third.client.isSessionReused());
                }
            }
        }
    }

    @Test
    void clientCertificateRequestedAndVerified() {
        for (String version : List.of("TLSv1.3", "TLSv1.2")) {
            try (var serverCtx = TestContexts.builder().cert(SERVER_EC).ca(ROOT).build();
                 var clientCtx = TestContexts.builder().cert(CLIENT).ca(ROOT).maxVersion(version).build();
                 var pair = new EnginePair(clientCtx, serverCtx)) {
                pair.server.setVerifyMode(true, true);
                pair.handshake();
                assertEquals(version, pair.server.protocol());
                assertNull(pair.server.verifyError(), version);
                assertNull(pair.client.verifyError(), version);
            }
        }
    }

    @Test
    void requestedButMissingClientCertificateWithoutRejectIsUnauthorized() {
        try (var serverCtx = TestContexts.builder().cert(SERVER_EC).ca(ROOT).build();
             var clientCtx = TestContexts.builder().ca(ROOT).build();
             var pair = new EnginePair(clientCtx, serverCtx)) {
            pair.server.setVerifyMode(true, false);
            pair.handshake();
            // Node: authorized false, authorizationError 'UNABLE_TO_GET_ISSUER_CERT'.
            assertEquals("UNABLE_TO_GET_ISSUER_CERT", pair.server.verifyError().code());
        }
    }

    @Test
    void selfSignedClientCertificateIsReportedNotRefused() {
        try (var serverCtx = TestContexts.builder().cert(SERVER_EC).ca(ROOT).build();
             var clientCtx = TestContexts.builder().cert(TestPki.SELF_SIGNED).ca(ROOT).build();
             var pair = new EnginePair(clientCtx, serverCtx)) {
            pair.server.setVerifyMode(true, true);
            pair.handshake();
            // Node: the handshake completes; authorizationError 'DEPTH_ZERO_SELF_SIGNED_CERT'.
            assertEquals("DEPTH_ZERO_SELF_SIGNED_CERT", pair.server.verifyError().code());
            assertEquals("self-signed certificate", pair.server.verifyError().getMessage());
        }
    }

    @Test
    void intermediateIsNotEnoughWithoutTheRoot() {
        try (var serverCtx = TestContexts.builder().cert(SERVER_EC).build();
             var clientCtx = TestContexts.builder().ca(INTERMEDIATE).build();
             var pair = new EnginePair(clientCtx, serverCtx)) {
            pair.handshake();
            // Node (no partial chains by default): 'UNABLE_TO_GET_ISSUER_CERT', the root being unknown.
            assertEquals("UNABLE_TO_GET_ISSUER_CERT", pair.client.verifyError().code());
        }
    }
}
