package io.jtls.net;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * A fixed set of {@link EventLoop}s that connections are spread over, round robin.
 *
 * <p>{@link #defaultGroup()} is the process-wide group every socket and server uses unless given
 * another: one loop per available processor, on daemon threads, created on first use and never
 * shut down (like Node's single loop, it lives as long as the process). Pass your own group to
 * isolate traffic or to control thread count; close it with {@link #shutdown()}.
 */
public final class EventLoopGroup {
    private static final class Default {
        static final EventLoopGroup GROUP = new EventLoopGroup("jtls-loop", Runtime.getRuntime().availableProcessors());
    }

    private final List<EventLoop> loops;
    private final AtomicInteger nextIndex = new AtomicInteger();

    /**
     * Starts {@code size} loops whose threads are called {@code namePrefix-0}, {@code -1}, ...
     *
     * @param namePrefix the name prefix
     * @param size the size in bytes
     */
    public EventLoopGroup(String namePrefix, int size) {
        this(namePrefix, size, LoopClock.system());
    }

    /**
     * Starts {@code size} loops whose timers follow {@code clock}: for tests that move time by
     * hand (a server's loops, a handshake timeout, an idle timeout); see {@link LoopClock}.
     *
     * @param namePrefix the name prefix
     * @param size the size in bytes
     * @param clock the clock
     */
    public EventLoopGroup(String namePrefix, int size, LoopClock clock) {
        if (size < 1) throw new IllegalArgumentException("size must be at least 1: " + size);
        loops = IntStream.range(0, size).mapToObj(i -> new EventLoop(namePrefix + "-" + i, clock)).toList();
    }

    /**
     * Starts {@code size} loops with the default thread names.
     *
     * @param size the size in bytes
     */
    public EventLoopGroup(int size) {
        this("jtls-group-" + GROUP_IDS.incrementAndGet(), size);
    }

    private static final AtomicInteger GROUP_IDS = new AtomicInteger();

    /**
     * The process-wide group: one loop per core, daemon threads.
     *
     * @return the process-wide group: one loop per core, daemon threads
     */
    public static EventLoopGroup defaultGroup() {
        return Default.GROUP;
    }

    /**
     * The next loop, round robin: where a new connection should live.
     *
     * @return the next loop, round robin: where a new connection should live
     */
    public EventLoop next() {
        return loops.get(Math.floorMod(nextIndex.getAndIncrement(), loops.size()));
    }

    /**
     * The loops of this group.
     *
     * @return the loops of this group
     */
    public List<EventLoop> loops() {
        return loops;
    }

    /** Shuts every loop down (the default group refuses: it lives as long as the process). */
    public void shutdown() {
        if (this == Default.GROUP) throw new UnsupportedOperationException("the default group is never shut down");
        loops.forEach(EventLoop::shutdown);
    }

    /**
     * Waits until every loop has ended.
     *
     * @param timeout the timeout
     * @return true when every loop ended within {@code timeout}
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (EventLoop loop : loops) {
            if (!loop.awaitTermination(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) return false;
        }
        return true;
    }
}
