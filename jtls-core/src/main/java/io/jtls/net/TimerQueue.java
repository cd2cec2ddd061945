package io.jtls.net;

import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * A loop's pending timers, earliest deadline first (FIFO among equal deadlines). Cancelling is
 * O(1): a cancelled timer stays in the heap, marked, and is dropped when it reaches the head or
 * when cancelled timers outnumber the live ones (one O(n) sweep per n/2 cancellations). Every
 * connection arms a handshake timer and cancels it a few milliseconds later, so an O(n)
 * {@code PriorityQueue.remove} per connection would grow with the number of connections
 * handshaking at once. Loop thread only.
 */
final class TimerQueue {
    /** Below this many cancelled timers a sweep is not worth it (they are dropped at the head anyway). */
    private static final int MIN_SWEEP = 64;

    private final PriorityQueue<Timer> heap = new PriorityQueue<>(
            Comparator.comparingLong((Timer t) -> t.deadlineNanos).thenComparingLong(t -> t.sequence));
    /** Cancelled timers still in the heap (an estimate: a timer cancelled from another thread is not counted). */
    private int cancelled;

    void add(Timer timer) {
        heap.add(timer);
    }

    /** The earliest timer that was not cancelled, or null; cancelled ones at the head are dropped. */
    Timer peek() {
        Timer head;
        while ((head = heap.peek()) != null && head.isCancelled()) {
            heap.poll();
            head.queued = false;
            head.done();
            if (cancelled > 0) cancelled--;
        }
        return head;
    }

    /** Removes the head (after {@link #peek()}). */
    Timer poll() {
        return heap.poll();
    }

    /** Forgets a cancelled timer: O(1) now, an occasional sweep later. */
    void remove(Timer timer) {
        timer.task = null; // until it is dropped, it must not keep its connection reachable
        if (++cancelled >= MIN_SWEEP && cancelled > heap.size() / 2) {
            heap.removeIf(t -> {
                if (!t.isCancelled()) return false;
                t.queued = false;
                return true;
            });
            cancelled = 0;
        }
    }

    /** Timers still in the heap (cancelled ones included until dropped). */
    int size() {
        return heap.size();
    }

    void forEach(Consumer<Timer> action) {
        heap.forEach(action);
    }
}
