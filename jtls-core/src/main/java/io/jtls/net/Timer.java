package io.jtls.net;

/**
 * A task scheduled on an {@link EventLoop}, as returned by {@link EventLoop#schedule}: Node's
 * {@code Timeout} object, reduced to what callers need.
 */
public final class Timer {
    final EventLoop loop;
    final long deadlineNanos;
    long sequence; // set by the loop when queued
    /** Dropped (null) once cancelled on the loop: a cancelled timer waits in the heap without what its task holds. */
    Runnable task;
    private volatile boolean cancelled;
    boolean queued; // loop-thread only
    // Pending until it runs or is cancelled; counts for liveness only once ref()'d.
    private final Liveness.Handle liveness = new Liveness.Handle(false);

    Timer(EventLoop loop, long deadlineNanos, Runnable task) {
        this.loop = loop;
        this.deadlineNanos = deadlineNanos;
        this.task = task;
        liveness.activate();
    }

    /** The loop ran it (or dropped it as cancelled): it no longer keeps the JVM alive. */
    void done() {
        liveness.deactivate();
    }

    /**
     * Node's {@code timeout.ref()}: while pending, this timer keeps the JVM running. Timers from
     * {@link EventLoop#schedule} start unreferenced (jtls's own timeouts must not hold a process
     * open); {@link EventLoop#setTimeout} returns a referenced one, as Node's {@code setTimeout}.
     *
     * @return this {@code Timer}
     */
    public Timer ref() {
        liveness.ref();
        return this;
    }

    /**
     * Node's {@code timeout.unref()}: this timer no longer keeps the JVM running.
     *
     * @return this {@code Timer}
     */
    public Timer unref() {
        liveness.unref();
        return this;
    }

    /**
     * Node's {@code timeout.hasRef()}.
     *
     * @return Node's {@code timeout.hasRef()}
     */
    public boolean hasRef() {
        return liveness.hasRef();
    }

    /**
     * Cancels the task if it has not run yet (Node's {@code clearTimeout}); safe from any thread
     * and idempotent. Returns true if this call cancelled it.
     *
     * @return true if this call cancelled it
     */
    public boolean cancel() {
        if (cancelled) return false;
        cancelled = true;
        liveness.deactivate();
        if (loop.inEventLoop()) {
            loop.unschedule(this);
        }
        return true;
    }

    /**
     * True once {@link #cancel()} was called.
     *
     * @return true once {@link #cancel()} was called
     */
    public boolean isCancelled() {
        return cancelled;
    }
}
