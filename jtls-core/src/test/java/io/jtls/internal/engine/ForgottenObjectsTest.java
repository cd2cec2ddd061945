package io.jtls.internal.engine;

import static io.jtls.internal.engine.TestPki.SERVER_EC;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.context.SecureContextOptions;
import io.jtls.internal.context.NativeSecureContext;
import io.jtls.internal.openssl.NativeKind;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Leaks stay visible: nothing in jtls pins a context or an engine that its owner dropped
 * without closing, so the Cleaner frees it and counts the leak; and an engine freed by the
 * Cleaner gives back its context reference, so that context can be freed (and reported) too.
 */
@Isolated // counts process-wide leaks: nothing else may run beside it
class ForgottenObjectsTest {

    @Test
    void aContextNobodyClosedIsFreedAndReported() {
        long leakedBefore = NativeKind.SSL_CTX.leaked();
        for (int i = 0; i < 3; i++) {
            NativeSecureContext.create(SecureContextOptions.builder().cert(SERVER_EC.chainPem())
                    .key(SERVER_EC.privateKeyPem()).build()); // dropped on the floor
        }
        collectUntil("3 forgotten SSL_CTX reported", () -> NativeKind.SSL_CTX.leaked() >= leakedBefore + 3);
    }

    @Test
    void anEngineNobodyClosedReleasesItsContext() {
        long sslLeaked = NativeKind.SSL.leaked();
        NativeSecureContext context = NativeSecureContext.create(SecureContextOptions.builder()
                .cert(SERVER_EC.chainPem()).key(SERVER_EC.privateKeyPem()).build());
        TlsEngine.server(context); // forgotten, never closed: it holds a reference on the context
        context.close();           // the owner's reference is gone; the engine's is not
        assertTrue(context.isAlive(), "the forgotten engine still holds the context");
        collectUntil("the forgotten SSL freed by the Cleaner", () -> NativeKind.SSL.leaked() > sslLeaked);
        // The Cleaner's free released the engine's reference, the last one: the context is freed.
        collectUntil("the context freed after its engine", () -> !context.isAlive());
    }

    @Test
    void anEngineNobodyClosedGivesBackItsUpcallIdOnAnyThread() throws Exception {
        int registered = EngineRegistry.liveCount();
        try (NativeSecureContext context = NativeSecureContext.create(SecureContextOptions.builder()
                .cert(SERVER_EC.chainPem()).key(SERVER_EC.privateKeyPem()).build())) {
            // Made on threads that end at once: each id sits in a shard no live thread adds to,
            // and the Cleaner's thread removes it.
            for (int i = 0; i < 2; i++) {
                Thread t = Thread.ofPlatform().start(() -> TlsEngine.client(context)); // forgotten
                t.join();
            }
            collectUntil("both forgotten engines' ids removed", () -> EngineRegistry.liveCount() == registered);
        }
    }

    private static void collectUntil(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never happened: " + what);
            }
            System.gc();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
