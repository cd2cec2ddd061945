package io.jtls.support;

import io.jtls.net.EventLoop;
import io.jtls.net.EventLoopGroup;
import io.jtls.net.LoopClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link LoopClock} that stands still until the test moves it: timeouts on its loops fire when
 * the test calls {@link #advance(Duration)}, never because the machine was slow or fast.
 *
 * <p>Make the loops through {@link #group} or {@link #loop} so that {@code advance} can wake
 * them; shut them down with {@link #close()}.
 */
public final class ManualClock implements LoopClock, AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    // Starts far from zero so that a deadline computed as now + delay never wraps or looks "past".
    private final AtomicLong now = new AtomicLong(TimeUnit.DAYS.toNanos(1));
    private final List<EventLoop> loops = new CopyOnWriteArrayList<>();
    private final List<EventLoopGroup> groups = new CopyOnWriteArrayList<>();

    @Override
    public long nanoTime() {
        return now.get();
    }

    /** A group of {@code size} loops on this clock. */
    public EventLoopGroup group(String name, int size) {
        EventLoopGroup group = new EventLoopGroup(name, size, this);
        groups.add(group);
        loops.addAll(group.loops());
        return group;
    }

    /** A group of one loop on this clock, for a client and server that share it. */
    public EventLoop loop(String name) {
        return group(name, 1).loops().getFirst();
    }

    /**
     * Moves time forward by {@code delta}, then returns once every loop of this clock has run the
     * timers that were due at the new time (a zero-delay timer queued after them is the barrier:
     * the heap runs equal deadlines in the order they were queued).
     */
    public void advance(Duration delta) {
        if (delta.isNegative()) throw new IllegalArgumentException("time does not go back: " + delta);
        now.addAndGet(delta.toNanos());
        List<CompletableFuture<Void>> barriers = loops.stream().map(ManualClock::barrier).toList();
        barriers.forEach(b -> Waiting.await(b, TIMEOUT));
    }

    /**
     * Completes after everything queued on {@code loop} so far has run, and every timer already
     * due by this clock with it.
     */
    public static CompletableFuture<Void> barrier(EventLoop loop) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> loop.schedule(Duration.ZERO, () -> done.complete(null)));
        return done;
    }

    @Override
    public void close() {
        for (EventLoopGroup group : groups) group.shutdown();
        for (EventLoopGroup group : groups) {
            try {
                if (!group.awaitTermination(TIMEOUT)) throw new AssertionError("loops did not stop");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
