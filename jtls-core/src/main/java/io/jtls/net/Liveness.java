package io.jtls.net;

/**
 * Node's liveness rule on the JVM: while any referenced handle (a listening server, a connecting
 * or open socket, a referenced timer) is active, one non-daemon thread exists, so the JVM does
 * not exit when {@code main} returns. The loop threads stay daemon: a loop has no way to know
 * whether the handles it serves are referenced, and a process-wide count is one number.
 *
 * <p>Handles are counted in two steps, so that nothing process-wide is touched per connection:
 * each event loop has a {@link Counter} of its active referenced handles (its sockets and
 * timers; taken under the counter's own lock, by that loop's thread nearly always), and only a
 * counter going from 0 to 1 or back takes the process-wide lock, which counts the counters that
 * are not zero. A busy loop therefore stays above zero and never takes it; a loop whose last
 * connection closes takes it once.
 *
 * <p>The keeper thread only waits; it is started when the count leaves zero and ends when it
 * comes back to zero, after which the JVM may exit as Node's process does with an empty loop.
 */
final class Liveness {
    private static final Object LOCK = new Object();
    private static int active; // counters above zero; guarded by LOCK
    private static Thread keeper; // guarded by LOCK

    /** For handles that belong to no single loop (a server listens on several): one per process. */
    static final Counter SHARED = new Counter();

    private Liveness() {
    }

    private static void acquire() {
        synchronized (LOCK) {
            active++;
            if (keeper == null) {
                keeper = Thread.ofPlatform().name("jtls-liveness").daemon(false).unstarted(Liveness::keep);
                keeper.start();
            }
        }
    }

    private static void release() {
        synchronized (LOCK) {
            if (--active == 0) LOCK.notifyAll();
        }
    }

    /** The number of loop counters (and the shared one) above zero right now (for tests and diagnostics). */
    static int activeCount() {
        synchronized (LOCK) {
            return active;
        }
    }

    private static void keep() {
        synchronized (LOCK) {
            while (active > 0) {
                try {
                    LOCK.wait();
                } catch (InterruptedException e) {
                    // only the count decides when this thread ends
                }
            }
            keeper = null;
        }
    }

    /**
     * One loop's active referenced handles. Its lock is taken by the loop's thread for its own
     * sockets and timers, and by another thread only when the application calls
     * {@code ref()}/{@code unref()}/{@code connect()} there: uncontended in the common case.
     * Lock order: handle, counter, then the process-wide lock.
     */
    static final class Counter {
        private int count; // guarded by this

        synchronized void acquire() {
            if (count++ == 0) Liveness.acquire();
        }

        synchronized void release() {
            if (--count == 0) Liveness.release();
        }

        /** Active referenced handles counted here now (for tests). */
        synchronized int count() {
            return count;
        }
    }

    /**
     * One server's, socket's or timer's share: it counts while it is both active (listening,
     * connecting or open, pending) and referenced ({@code ref()}, the default, not {@code unref()}).
     * Every method is idempotent and safe from any thread.
     */
    static final class Handle {
        private final Counter counter;
        private boolean active;
        private boolean referenced;

        /**
         * A handle counted on {@code counter}: its loop's ({@link EventLoop#liveness()}), or
         * {@link #SHARED} for one that belongs to no single loop.
         */
        Handle(Counter counter, boolean referenced) {
            this.counter = counter;
            this.referenced = referenced;
        }

        synchronized void activate() {
            if (!active && referenced) counter.acquire();
            active = true;
        }

        synchronized void deactivate() {
            if (active && referenced) counter.release();
            active = false;
        }

        synchronized void ref() {
            if (active && !referenced) counter.acquire();
            referenced = true;
        }

        synchronized void unref() {
            if (active && referenced) counter.release();
            referenced = false;
        }

        synchronized boolean hasRef() {
            return referenced;
        }
    }
}
