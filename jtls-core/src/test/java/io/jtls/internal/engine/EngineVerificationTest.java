package io.jtls.internal.engine;

import static io.jtls.internal.engine.TestPki.ROOT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jtls.error.TlsException;
import io.jtls.pki.HeldCertificate;
import io.jtls.support.NativeLeakCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Verification never fails the handshake; the client engine reports the outcome with Node's
 * code. Expected codes: Node v20's {@code authorizationError} for the same chains
 * ({@code rejectUnauthorized: false}).
 */
class EngineVerificationTest {
    @RegisterExtension
    final NativeLeakCheck leaks = NativeLeakCheck.after(() -> TestPki.ROOT.hashCode()); // make the PKI before counting

    /** The client's verify error for a server presenting {@code cert} (plus {@code extraChain}) to a client trusting {@code trusted}. */
    private static TlsException clientVerifyError(HeldCertificate cert, HeldCertificate trusted, HeldCertificate... extraChain) {
        var server = TestContexts.builder().cert(cert).extraChain(extraChain);
        var client = TestContexts.builder();
        if (trusted != null) {
            client.ca(trusted);
        }
        try (var serverCtx = server.build(); var clientCtx = client.build();
             var pair = new EnginePair(clientCtx, serverCtx)) {
            pair.handshake();
            assertEquals(EngineState.ESTABLISHED, pair.client.state(), "verification never stops the handshake");
            return pair.client.verifyError();
        }
    }

    @Test
    void trustedChainVerifies() {
        assertNull(clientVerifyError(TestPki.SERVER_RSA, ROOT));
        assertNull(clientVerifyError(TestPki.SERVER_EC, ROOT));
    }

    @Test
    void leafFromAnUnknownIssuer() {
        TlsException e = clientVerifyError(TestPki.UNTRUSTED_LEAF, ROOT);
        assertEquals("UNABLE_TO_VERIFY_LEAF_SIGNATURE", e.code());
        assertEquals("unable to verify the first certificate", e.getMessage());
    }

    @Test
    void chainWhoseRootIsNotTrusted() {
        // leaf + intermediate sent, root unknown to the client
        assertEquals("UNABLE_TO_GET_ISSUER_CERT_LOCALLY", clientVerifyError(TestPki.SERVER_EC, null).code());
        assertEquals("UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
                clientVerifyError(TestPki.SERVER_EC, TestPki.UNTRUSTED_ROOT).code());
    }

    @Test
    void selfSignedRootSentInTheChain() {
        assertEquals("SELF_SIGNED_CERT_IN_CHAIN",
                clientVerifyError(TestPki.UNTRUSTED_LEAF, null, TestPki.UNTRUSTED_ROOT).code());
    }

    @Test
    void selfSignedServerCertificate() {
        TlsException e = clientVerifyError(TestPki.SELF_SIGNED, ROOT);
        assertEquals("DEPTH_ZERO_SELF_SIGNED_CERT", e.code());
        assertEquals("self-signed certificate", e.getMessage());
    }

    @Test
    void expiredCertificate() {
        TlsException e = clientVerifyError(TestPki.EXPIRED, ROOT);
        assertEquals("CERT_HAS_EXPIRED", e.code());
        assertEquals("certificate has expired", e.getMessage());
    }

    @Test
    void unlistedCodesAreUnspecifiedAsInNode() {
        assertEquals("CERT_HAS_EXPIRED", VerifyErrors.nodeCode(10));
        assertEquals("INVALID_CA", VerifyErrors.nodeCode(79));
        assertEquals("HOSTNAME_MISMATCH", VerifyErrors.nodeCode(62));
        assertEquals("UNSPECIFIED", VerifyErrors.nodeCode(24)); // X509_V_ERR_NO_ISSUER_PUBLIC_KEY: not in Node's table
        assertNull(VerifyErrors.nodeCode(0));
    }
}
