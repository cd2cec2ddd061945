package io.jtls.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Lazy cancellation: cancelled timers never come out, order is kept, and the heap stays bounded. */
class TimerQueueTest {
    private final EventLoop loop = new EventLoop("timer-queue-test");

    @AfterEach
    void stop() throws InterruptedException {
        loop.shutdown();
        assertTrue(loop.awaitTermination(Duration.ofSeconds(5)));
    }

    @Test
    void cancelledTimersNeverComeOutAndTheRestKeepDeadlineOrder() {
        TimerQueue queue = new TimerQueue();
        List<Timer> all = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            // Deadlines interleaved so that cancelled and kept timers sit side by side in the heap.
            Timer t = new Timer(loop, (i * 7919L) % 1000, () -> {});
            t.sequence = i;
            t.queued = true;
            queue.add(t);
            all.add(t);
        }
        List<Timer> kept = new ArrayList<>();
        for (Timer t : all) {
            if (t.deadlineNanos % 10 == 0) {
                kept.add(t);
            } else {
                t.cancel(); // off the loop thread: the caller unschedules, as the loop does
                queue.remove(t);
                assertNull(t.task, "a cancelled timer waiting in the heap keeps nothing of its task reachable");
            }
        }
        // 900 cancelled among 1000: sweeps ran, so the heap holds few of them.
        assertTrue(queue.size() <= 2 * kept.size() + 64, "heap size " + queue.size());
        kept.sort((a, b) -> Long.compare(a.deadlineNanos, b.deadlineNanos));
        List<Timer> out = new ArrayList<>();
        while (queue.peek() != null) {
            out.add(queue.poll());
        }
        assertEquals(kept, out);
        assertNull(queue.peek());
    }

    @Test
    void aCancelledHeadIsSkippedWhenTheLoopLooksForTheNextDeadline() {
        TimerQueue queue = new TimerQueue();
        Timer first = new Timer(loop, 10, () -> {});
        Timer second = new Timer(loop, 20, () -> {});
        second.sequence = 1;
        queue.add(first);
        queue.add(second);
        first.cancel();
        queue.remove(first);
        assertEquals(second, queue.peek());
        assertEquals(1, queue.size());
    }
}
