package io.jtls.internal.engine;

import static io.jtls.internal.engine.TestPki.INTERMEDIATE;
import static io.jtls.internal.engine.TestPki.SERVER_EC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jtls.SecureContext;
import io.jtls.Tls;
import io.jtls.context.SecureContextOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Node's {@code allowPartialTrustChain}: an intermediate in {@code ca} anchors a chain only when
 * the option is on; by default the chain must reach a self-signed root.
 */
class PartialTrustChainTest {

    private static String verifyErrorTrustingOnlyTheIntermediate(boolean allowPartial) {
        try (SecureContext server = TestContexts.builder().cert(SERVER_EC).build();
             SecureContext client = Tls.createSecureContext(SecureContextOptions.builder()
                     .ca(List.of(INTERMEDIATE.certificatePem())).allowPartialTrustChain(allowPartial).build());
             EnginePair pair = new EnginePair(client, server)) {
            pair.handshake();
            var error = pair.client.verifyError();
            return error == null ? null : error.code();
        }
    }

    @Test
    void anIntermediateIsNoAnchorByDefault() {
        assertEquals("UNABLE_TO_GET_ISSUER_CERT", verifyErrorTrustingOnlyTheIntermediate(false));
    }

    @Test
    void allowPartialTrustChainLetsTheIntermediateAnchorTheChain() {
        assertNull(verifyErrorTrustingOnlyTheIntermediate(true));
    }
}
