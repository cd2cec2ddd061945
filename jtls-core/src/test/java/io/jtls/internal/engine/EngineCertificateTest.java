package io.jtls.internal.engine;

import static io.jtls.internal.engine.TestPki.CLIENT;
import static io.jtls.internal.engine.TestPki.INTERMEDIATE;
import static io.jtls.internal.engine.TestPki.ROOT;
import static io.jtls.internal.engine.TestPki.SERVER_EC;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.jtls.Tls;
import io.jtls.error.CertificateIdentityException;
import io.jtls.support.NativeLeakCheck;
import io.jtls.x509.Certificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The certificates an engine reports after the handshake, Node's {@code getCertificate()} and
 * {@code getPeerCertificate([detailed])}, and the hostname check done on them by the layer
 * above ({@code checkServerIdentity}).
 */
class EngineCertificateTest {
    @RegisterExtension
    final NativeLeakCheck leaks = NativeLeakCheck.after(() -> TestPki.ROOT.hashCode()); // make the PKI before counting

    @Test
    void bothSidesSeeEachOthersCertificates() {
        try (var serverCtx = TestContexts.builder().cert(SERVER_EC).ca(ROOT).build();
             var clientCtx = TestContexts.builder().cert(CLIENT).ca(ROOT).build();
             var pair = new EnginePair(clientCtx, serverCtx)) {
            pair.server.setVerifyMode(true, true);
            pair.handshake();

            Certificate serverSeen = pair.client.peerCertificate(false);
            assertArrayEquals(SERVER_EC.certificateDer(), serverSeen.raw());
            assertEquals("localhost", serverSeen.subject().get("CN"));
            assertNull(serverSeen.issuerCertificate(), "abbreviated: no issuer links");
            assertArrayEquals(SERVER_EC.certificateDer(), pair.server.certificate().raw());

            Certificate clientSeen = pair.server.peerCertificate(false);
            assertArrayEquals(CLIENT.certificateDer(), clientSeen.raw());
            assertEquals("Acme", clientSeen.subject().get("O"));
            assertArrayEquals(CLIENT.certificateDer(), pair.client.certificate().raw());
            assertEquals(clientSeen.fingerprint256(), pair.client.certificate().fingerprint256());
        }
    }

    @Test
    void detailedChainLinksIssuersUpToTheTrustedRoot() {
        try (var serverCtx = TestContexts.builder().cert(SERVER_EC).build();
             var clientCtx = TestContexts.builder().ca(ROOT).build();
             var pair = new EnginePair(clientCtx, serverCtx)) {
            pair.handshake();
            Certificate leaf = pair.client.peerCertificate(true);
            Certificate intermediate = leaf.issuerCertificate();
            Certificate root = intermediate.issuerCertificate(); // not sent: found in the client's trust store
            assertArrayEquals(SERVER_EC.certificateDer(), leaf.raw());
            assertArrayEquals(INTERMEDIATE.certificateDer(), intermediate.raw());
            assertArrayEquals(ROOT.certificateDer(), root.raw());
            assertSame(root, root.issuerCertificate(), "a self-signed root links to itself, as in Node");
        }
    }

    @Test
    void noCertificatesAreNull() {
        try (var serverCtx = TestContexts.builder().cert(SERVER_EC).build();
             var clientCtx = TestContexts.builder().ca(ROOT).build();
             var pair = new EnginePair(clientCtx, serverCtx)) {
            assertNull(pair.client.peerCertificate(true), "before the handshake");
            pair.handshake();
            assertNull(pair.server.peerCertificate(false), "the client sent none");
            assertNull(pair.server.peerCertificate(true));
            assertNull(pair.client.certificate(), "the client has none");
        }
    }

    @Test
    void hostnameMismatchIsLeftToCheckServerIdentity() {
        try (var serverCtx = TestContexts.builder().cert(TestPki.OTHER_HOST).build();
             var clientCtx = TestContexts.builder().ca(ROOT).build();
             var pair = new EnginePair(clientCtx, serverCtx)) {
            pair.client.setServername("localhost");
            pair.handshake();
            // The chain is fine: the engine authorizes it ...
            assertNull(pair.client.verifyError());
            // ... and the layer above rejects the name, as Node's onConnectSecure does.
            Certificate cert = pair.client.peerCertificate(false);
            CertificateIdentityException e = Tls.checkServerIdentity("localhost", cert);
            assertEquals("ERR_TLS_CERT_ALTNAME_INVALID", e.code());
            assertEquals("Host: localhost. is not in the cert's altnames: DNS:other.example", e.reason());
            assertNull(Tls.checkServerIdentity("other.example", cert));
        }
    }
}
