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
    // Counts for liveness only once ref()'d, while pending: the handle is made by the first ref(),
    // so that jtls's own timers (two per connection, never referenced) carry none. Guarded by this.
    private Liveness.Handle liveness;
    private boolean over; // ran or cancelled; guarded by this

    Timer(EventLoop loop, long deadlineNanos, Runnable task) {
        this.loop = loop;
        this.deadlineNanos = deadlineNanos;
        this.task = task;
    }

    /** The loop ran it (or dropped it as cancelled): it no longer keeps the JVM alive. */
    synchronized void done() {
        over = true;
        if (liveness != null) liveness.deactivate();
    }

    /**
     * Node's {@code timeout.ref()}: while pending, this timer keeps the JVM running. Timers from
     * {@link EventLoop#schedule} start unreferenced (jtls's own timeouts must not hold a process
     * open); {@link EventLoop#setTimeout} returns a referenced one, as Node's {@code setTimeout}.
     *
     * @return this {@code Timer}
     */
    public Timer ref() {
        synchronized (this) {
            if (liveness == null) {
                liveness = new Liveness.Handle(loop.liveness(), false);
                if (!over) liveness.activate();
            }
            liveness.ref();
        }
        return this;
    }

    /**
     * Node's {@code timeout.unref()}: this timer no longer keeps the JVM running.
     *
     * @return this {@code Timer}
     */
    public Timer unref() {
        synchronized (this) {
            if (liveness != null) liveness.unref();
        }
        return this;
    }

    /**
     * Node's {@code timeout.hasRef()}.
     *
     * @return Node's {@code timeout.hasRef()}
     */
    public synchronized boolean hasRef() {
        return liveness != null && liveness.hasRef();
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
        done();
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
