package io.jtls.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A loop counts its own referenced handles ({@link Liveness.Counter}); ref/unref/cancel from any
 * thread keep that count exact, and it is back to zero once every handle is done. (That the
 * process-wide count then lets the JVM exit is {@link LivenessTest}'s, in a child JVM.)
 */
class LivenessCounterTest {
    @Test
    void aLoopCountsItsReferencedTimersUntilTheyAreDone() {
        EventLoop loop = new EventLoop("liveness-counter");
        try {
            List<Timer> timers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                timers.add(loop.setTimeout(Duration.ofHours(1), () -> { }));
            }
            assertEquals(3, loop.liveness().count());
            assertTrue(Liveness.activeCount() >= 1, "a loop above zero counts once process-wide");
            timers.get(0).unref();
            timers.get(0).unref(); // idempotent
            assertFalse(timers.get(0).hasRef());
            assertEquals(2, loop.liveness().count());
            timers.get(0).ref();
            assertEquals(3, loop.liveness().count());
            loop.schedule(Duration.ofHours(1), () -> { }); // jtls's own timers carry no handle
            assertEquals(3, loop.liveness().count());
            timers.forEach(Timer::cancel); // from this thread, not the loop's
            timers.get(1).cancel();
            assertEquals(0, loop.liveness().count());
            timers.get(2).ref(); // a ref after it is done does not count again
            assertEquals(0, loop.liveness().count());
        } finally {
            loop.shutdown();
        }
    }
}
