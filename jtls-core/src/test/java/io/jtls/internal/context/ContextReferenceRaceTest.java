package io.jtls.internal.context;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.internal.openssl.NativeKind;
import io.jtls.internal.openssl.SslCtxCalls;
import io.jtls.support.CloseRace;
import io.jtls.support.NativeLeakCheck;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A context's striped reference count on a real {@code SSL_CTX}, as a multi-loop server uses it:
 * more threads than cores retain and release one context at once (each retain is a connection's
 * {@code SSL_new}, each release its {@code SSL_free}, some released on another thread than the
 * one that retained, as the Cleaner or a hand-over does) while the owner closes it at a random
 * moment. Round after round: the {@code SSL_CTX} is freed exactly once; every holder finds it
 * alive and makes a native call on it while it holds its reference; the only exception anyone
 * sees is the documented {@link IllegalStateException} of a retain after close.
 */
class ContextReferenceRaceTest {
    @RegisterExtension
    final NativeLeakCheck leaks = NativeLeakCheck.after(() -> {
        TrustStore.rootStore(); // the process-wide roots exist before the count is taken
        CipherList.supportedCiphers();
    });

    @Test
    void closeRacingWithRetainsOnManyThreadsFreesOnceAfterTheLastRelease() throws Exception {
        int threads = Math.max(8, 4 * Runtime.getRuntime().availableProcessors());
        int rounds = 120;
        long contextsAtStart = NativeKind.SSL_CTX.live();
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        long retained = 0;
        long refused = 0;
        for (int round = 0; round < rounds && failures.isEmpty(); round++) {
            NativeSecureContext ctx = NativeSecureContext.create(null);
            long options = ctx.options();
            // References passed from thread to thread: retained on one, released on another.
            Queue<NativeSecureContext> handedOver = new ConcurrentLinkedQueue<>();
            long[] retains = new long[threads];
            long[] refusals = new long[threads];
            CloseRace.round(threads, 20_000, k -> {
                for (long i = 0; ; i++) {
                    NativeSecureContext held;
                    try {
                        held = ctx.retain();
                    } catch (IllegalStateException closed) {
                        assertEquals("SecureContext is closed", closed.getMessage());
                        refusals[k]++;
                        return;
                    }
                    retains[k]++;
                    // While held: alive, and its SSL_CTX answers a native call.
                    if (!held.isAlive()) {
                        throw new AssertionError("freed under a holder");
                    }
                    assertEquals(options, SslCtxCalls.SSL_CTX_get_options(held.sslCtx()));
                    if ((i & 1) == 0) {
                        handedOver.add(held); // another thread releases it
                    } else {
                        held.release();
                    }
                    NativeSecureContext other = handedOver.poll();
                    if (other != null) {
                        other.release();
                    }
                }
            }, ctx::close, failures);
            for (NativeSecureContext left; (left = handedOver.poll()) != null; ) {
                assertTrue(left.isAlive(), "a reference still held keeps the context");
                left.release();
            }
            assertEquals(1, ctx.timesFreed(), "round " + round + ": freed exactly once");
            assertFalse(ctx.isAlive());
            assertEquals(0, ctx.referenceCount());
            assertEquals(contextsAtStart, NativeKind.SSL_CTX.live(), "round " + round);
            assertThrows(IllegalStateException.class, ctx::retain);
            assertThrows(IllegalStateException.class, ctx::release);
            for (int t = 0; t < threads; t++) {
                retained += retains[t];
                refused += refusals[t];
            }
        }
        assertTrue(failures.isEmpty(), () -> "first failure: " + failures.peek());
        assertEquals((long) threads * rounds, refused, "every holder thread ended on a refused retain");
        assertTrue(retained > rounds, "references were taken: " + retained);
    }
}
