package io.jtls.internal.engine;

import static io.jtls.internal.engine.TestPki.INTERMEDIATE;
import static io.jtls.internal.engine.TestPki.ROOT;
import static io.jtls.internal.engine.TestPki.SERVER_EC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jtls.SecureContext;
import io.jtls.Tls;
import io.jtls.context.SecureContextOptions;
import io.jtls.internal.context.SecureContexts;
import io.jtls.internal.openssl.SslCtxCalls;
import io.jtls.x509.Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A certificate given without its intermediates is sent with the chain built from the trust
 * store, as Node's automatic chaining does; jtls builds that chain once, with the context,
 * instead of on every handshake.
 */
class PrebuiltChainTest {

    @Test
    void aLeafWithoutItsIntermediateIsSentWithTheChainBuiltFromTheStore() {
        try (SecureContext server = Tls.createSecureContext(SecureContextOptions.builder()
                     .cert(SERVER_EC.certificatePem()).key(SERVER_EC.privateKeyPem())
                     .ca(List.of(INTERMEDIATE.certificatePem(), ROOT.certificatePem())).build());
             SecureContext client = TestContexts.builder().ca(ROOT).build();
             EnginePair pair = new EnginePair(client, server)) {
            long mode = SslCtxCalls.SSL_CTX_get_mode(SecureContexts.nativeOf(server).sslCtx());
            assertNotEquals(0, mode & SslCtxCalls.SSL_MODE_NO_AUTO_CHAIN, "chain built once: no per-handshake chaining");

            pair.handshake();
            assertNull(pair.client.verifyError(), "the intermediate came with the leaf");
            Certificate leaf = pair.client.peerCertificate(true);
            assertEquals(INTERMEDIATE.commonName(), leaf.issuerCertificate().subject().get("CN"));
        }
    }

    @Test
    void aLeafWhoseIssuerIsUnknownIsSentAlone() {
        try (SecureContext server = Tls.createSecureContext(SecureContextOptions.builder()
                     .cert(SERVER_EC.certificatePem()).key(SERVER_EC.privateKeyPem()).ca(List.of()).build());
             SecureContext client = TestContexts.builder().ca(ROOT).build();
             EnginePair pair = new EnginePair(client, server)) {
            pair.handshake();
            assertEquals("UNABLE_TO_VERIFY_LEAF_SIGNATURE", pair.client.verifyError().code(),
                    "without the intermediate the client cannot reach its root");
        }
    }
}
