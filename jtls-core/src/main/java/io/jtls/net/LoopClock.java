package io.jtls.net;

/**
 * Where an {@link EventLoop} reads "now": its timers' deadlines, and {@link EventLoop#nanoTime()}
 * for code that measures time on a loop (idle timeouts, handshake timeouts, renegotiation
 * windows).
 *
 * <p>Production loops use {@link #system()}, which is {@link System#nanoTime()} itself. A test
 * gives its loops a clock it moves by hand (see {@link EventLoopGroup#EventLoopGroup(String, int,
 * LoopClock)}), so that behaviour driven by a timer can be checked without waiting for it. A
 * loop does not poll its clock: after moving time forward, wake the loop (any
 * {@link EventLoop#execute(Runnable) task} does) so that it runs the timers that became due.
 *
 * <p>Values have {@link System#nanoTime()}'s meaning: only differences between two readings of
 * the same clock mean anything, and they must never decrease. Called from the loop thread and
 * from threads scheduling timers, so an implementation must be thread-safe.
 */
@FunctionalInterface
public interface LoopClock {
    /**
     * The current value of this clock, in nanoseconds; see {@link System#nanoTime()}.
     *
     * @return the current value of this clock, in nanoseconds; see {@link System#nanoTime()}
     */
    long nanoTime();

    /**
     * The clock of every loop unless given another: {@link System#nanoTime()}.
     *
     * @return the clock of every loop unless given another: {@link System#nanoTime()}
     */
    static LoopClock system() {
        return SystemLoopClock.INSTANCE;
    }
}

/** One instance, so that the loop's call site sees one receiver class and inlines it. */
final class SystemLoopClock implements LoopClock {
    static final SystemLoopClock INSTANCE = new SystemLoopClock();

    private SystemLoopClock() {}

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public String toString() {
        return "LoopClock.system()";
    }
}
