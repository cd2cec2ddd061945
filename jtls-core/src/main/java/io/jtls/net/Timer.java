package io.jtls.net;

/**
 * A task scheduled on an {@link EventLoop}, as returned by {@link EventLoop#schedule}: Node's
 * {@code Timeout} object, reduced to what callers need.
 */
public final class Timer {
    final EventLoop loop;
    final long deadlineNanos;
    long sequence; // set by the loop when queued
    final Runnable task;
    private volatile boolean cancelled;
    boolean queued; // loop-thread only

    Timer(EventLoop loop, long deadlineNanos, Runnable task) {
        this.loop = loop;
        this.deadlineNanos = deadlineNanos;
        this.task = task;
    }

    /**
     * Cancels the task if it has not run yet (Node's {@code clearTimeout}); safe from any thread
     * and idempotent. Returns true if this call cancelled it.
     */
    public boolean cancel() {
        if (cancelled) return false;
        cancelled = true;
        if (loop.inEventLoop()) {
            loop.unschedule(this);
        }
        return true;
    }

    /** True once {@link #cancel()} was called. */
    public boolean isCancelled() {
        return cancelled;
    }
}
