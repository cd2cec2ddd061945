package io.jtls.internal.engine;

import static io.jtls.internal.engine.TestPki.ROOT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.internal.openssl.NativeKind;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Creates and frees 100,000 engine pairs on a few shared contexts, one pair in eight running
 * a full handshake and a message each way and another abandoning its handshake halfway, and
 * 100,000 contexts of their own (one in a hundred with a certificate and a CA); then proves that every native object came back:
 * {@link NativeKind#liveTotal()} returns to its start value and the Cleaner found no leak.
 * (OpenSSL 3.0 needs about 0.3 ms for {@code SSL_CTX_new} alone and 1.5 ms for an in-memory
 * handshake, which sets the length of the run: about a minute.)
 */
class EngineStressTest {
    private static final int ROUNDS = 100_000;
    private static final int HANDSHAKE_EVERY = 8;
    private static final int CONTEXT_EVERY = 1;
    private static final int CERTIFICATE_CONTEXT_EVERY = 100;

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void hundredThousandContextsAndEnginesLeaveNothingBehind() throws Exception {
        TestPki.SERVER_EC.hashCode();
        long liveAtStart = NativeKind.liveTotal();
        long[] leakedAtStart = leaked();
        int registeredAtStart = EngineRegistry.liveCount();
        int handshakes = 0;
        int contexts = 0;

        try (var ecServer = TestContexts.builder().cert(TestPki.SERVER_EC).build();
             var rsaServer = TestContexts.builder().cert(TestPki.SERVER_RSA).build();
             var client13 = TestContexts.builder().ca(ROOT).build();
             var client12 = TestContexts.builder().ca(ROOT).maxVersion("TLSv1.2").build()) {
            for (int i = 0; i < ROUNDS; i++) {
                if (i % CONTEXT_EVERY == 0) { // a context of its own, created and freed
                    try (var own = (i % CERTIFICATE_CONTEXT_EVERY == 0
                            ? TestContexts.builder().cert(TestPki.SERVER_EC).ca(ROOT)
                            : TestContexts.builder().minVersion("TLSv1.2")).build()) {
                        assertTrue(!own.isClosed());
                        contexts++;
                    }
                }
                var serverCtx = (i & 1) == 0 ? ecServer : rsaServer;
                var clientCtx = (i & 2) == 0 ? client13 : client12;
                try (var pair = new EnginePair(clientCtx, serverCtx)) {
                    if (i % HANDSHAKE_EVERY == 0) {
                        pair.handshake();
                        assertEquals("ok", new String(pair.send(pair.client, pair.server, "ok".getBytes())));
                        assertEquals("ok", new String(pair.send(pair.server, pair.client, "ok".getBytes())));
                        handshakes++;
                    } else if (i % HANDSHAKE_EVERY == 1) {
                        pair.client.handshake(); // half a handshake, then abandoned
                        pair.transfer(pair.client, pair.server);
                        pair.server.handshake();
                    }
                }
            }
        }

        assertEquals(ROUNDS / HANDSHAKE_EVERY, handshakes);
        assertEquals(ROUNDS / CONTEXT_EVERY, contexts);
        assertEquals(liveAtStart, NativeKind.liveTotal(), NativeKind.liveSummary());
        assertEquals(registeredAtStart, EngineRegistry.liveCount());
        // Anything unreachable but unclosed would be freed and counted by the Cleaner now.
        System.gc();
        Thread.sleep(200);
        assertTrue(Arrays.equals(leakedAtStart, leaked()), "leaks: " + Arrays.toString(leaked()));
    }

    private static long[] leaked() {
        return Arrays.stream(NativeKind.values()).mapToLong(NativeKind::leaked).toArray();
    }
}
