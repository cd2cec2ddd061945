package io.jtls.internal.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.support.CloseRace;
import io.jtls.support.OnNewThread;
import java.util.HashSet;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The striped reference count's contract without native memory (NativeSecureContextTest proves
 * it again on a real {@code SSL_CTX}): freed exactly once, only after the owner's close and the
 * last release, whichever threads retain and release; retain after close refused; surplus
 * releases reported.
 */
class StripedRefCountTest {
    @Test
    void theOwnersCloseFreesWhenNobodyElseHolds() {
        AtomicInteger frees = new AtomicInteger();
        StripedRefCount count = new StripedRefCount(frees::incrementAndGet);
        assertFalse(count.isClosed());
        assertFalse(count.isFreed());
        assertTrue(count.close());
        assertFalse(count.close(), "idempotent");
        assertTrue(count.isClosed());
        assertTrue(count.isFreed());
        assertEquals(1, frees.get());
        assertFalse(count.retain(), "closed: no new holder");
        assertEquals(1, frees.get(), "a refused retain frees nothing again");
        assertThrows(IllegalStateException.class, count::release);
    }

    @Test
    void aHolderKeepsItUntilItsReleaseOnAnotherThread() throws Exception {
        AtomicInteger frees = new AtomicInteger();
        StripedRefCount count = new StripedRefCount(frees::incrementAndGet);
        assertTrue(count.retain());
        assertTrue(OnNewThread.call(count::retain), "a second holder, counted on another stripe");
        assertEquals(2, count.held());
        count.close();
        assertEquals(0, frees.get());
        assertFalse(count.isFreed());
        OnNewThread.call(() -> {
            count.release(); // the first holder's reference, released where it was not retained
            return null;
        });
        assertEquals(0, frees.get(), "one holder is left");
        assertEquals(1, count.held());
        count.release();
        assertEquals(1, frees.get());
        assertTrue(count.isFreed());
        assertEquals(0, count.held());
        assertThrows(IllegalStateException.class, count::release, "released more often than retained");
        assertEquals(1, frees.get());
    }

    @Test
    void releasesBeforeCloseAreCountedOnce() {
        AtomicInteger frees = new AtomicInteger();
        StripedRefCount count = new StripedRefCount(frees::incrementAndGet);
        for (int i = 0; i < 1_000; i++) {
            assertTrue(count.retain());
            count.release();
        }
        assertEquals(0, count.held());
        assertEquals(0, frees.get(), "the owner still holds it");
        count.close();
        assertEquals(1, frees.get());
    }

    @Test
    void aSurplusReleaseBeforeCloseMakesCloseThrowAndFreesNothing() {
        AtomicInteger frees = new AtomicInteger();
        StripedRefCount count = new StripedRefCount(frees::incrementAndGet);
        assertTrue(count.retain());
        count.release();
        count.release(); // not seen yet: nothing sums before the owner's close
        IllegalStateException e = assertThrows(IllegalStateException.class, count::close);
        assertEquals("released more often than retained", e.getMessage());
        assertEquals(0, frees.get(), "left for the leak backstop, never freed under a possible holder");
        assertTrue(count.isClosed());
    }

    /**
     * What the striping is for: threads of different stripes (loops, in a server) count on
     * different cells, so they never write a common word per connection; a thread's stripe is the
     * same for every count.
     */
    @Test
    void threadsOfDifferentStripesCountOnDifferentCells() throws Exception {
        StripedRefCount count = new StripedRefCount(() -> { });
        Set<Integer> stripes = new HashSet<>();
        for (int t = 0; t < StripedRefCount.STRIPES; t++) {
            stripes.add(OnNewThread.call(() -> {
                assertTrue(count.retain());
                count.release();
                int stripe = StripedRefCount.stripeOfThisThread();
                StripedRefCount another = new StripedRefCount(() -> { });
                assertTrue(another.retain());
                assertEquals(stripe, StripedRefCount.stripeOfThisThread(), "one stripe per thread, whatever the count");
                return stripe;
            }));
        }
        assertTrue(stripes.size() >= 2, "new threads spread over the stripes: " + stripes);
        assertEquals(stripes.size(), count.cellsMade(), "a cell per stripe that counted, none shared between stripes");
        assertEquals(0, count.held());
    }

    @Test
    void stripesAreAPowerOfTwoAtOrAboveTwicePerCore() {
        assertEquals(2, StripedRefCount.stripes(1));
        assertEquals(4, StripedRefCount.stripes(2));
        assertEquals(8, StripedRefCount.stripes(3));
        assertEquals(8, StripedRefCount.stripes(4));
        assertEquals(16, StripedRefCount.stripes(5));
        assertEquals(64, StripedRefCount.stripes(32));
        assertEquals(64, StripedRefCount.stripes(500), "capped");
        int stripes = StripedRefCount.STRIPES;
        assertEquals(0, stripes & (stripes - 1));
        assertTrue(stripes >= 2 * Math.min(32, Runtime.getRuntime().availableProcessors()));
    }

    /**
     * More threads than cores retain and release at once while the owner closes at a random
     * moment: freed exactly once, never while a thread holds a reference, and the only
     * exception is none (a refused retain returns false).
     */
    @Test
    void closeRacingWithManyHoldersFreesOnceAfterTheLastRelease() throws Exception {
        int threads = Math.max(6, 3 * Runtime.getRuntime().availableProcessors());
        int rounds = 200;
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        for (int round = 0; round < rounds && failures.isEmpty(); round++) {
            AtomicInteger frees = new AtomicInteger();
            AtomicInteger holding = new AtomicInteger();
            StripedRefCount count = new StripedRefCount(() -> {
                if (holding.get() != 0) {
                    failures.add(new AssertionError("freed while " + holding.get() + " held a reference"));
                }
                frees.incrementAndGet();
            });
            CloseRace.round(threads, 5_000, index -> {
                while (count.retain()) {
                    holding.incrementAndGet();
                    if (count.isFreed()) {
                        failures.add(new AssertionError("freed under a holder"));
                    }
                    Thread.onSpinWait();
                    holding.decrementAndGet();
                    count.release();
                }
            }, count::close, failures);
            assertEquals(1, frees.get(), "round " + round + ": freed exactly once");
            assertTrue(count.isFreed());
        }
        assertTrue(failures.isEmpty(), () -> failures.peek().toString());
    }
}
