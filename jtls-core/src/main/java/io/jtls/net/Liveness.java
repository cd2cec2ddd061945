package io.jtls.net;

/**
 * Node's liveness rule on the JVM: while any referenced handle (a listening server, a connecting
 * or open socket, a referenced timer) is active, one non-daemon thread exists, so the JVM does
 * not exit when {@code main} returns. The loop threads stay daemon: a loop has no way to know
 * whether the handles it serves are referenced, and a process-wide count is one number.
 *
 * <p>The keeper thread only waits; it is started when the count leaves zero and ends when it
 * comes back to zero, after which the JVM may exit as Node's process does with an empty loop.
 */
final class Liveness {
    private static final Object LOCK = new Object();
    private static int active; // guarded by LOCK
    private static Thread keeper; // guarded by LOCK

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

    /** The number of referenced active handles right now (for tests and diagnostics). */
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
     * One server's, socket's or timer's share: it counts while it is both active (listening,
     * connecting or open, pending) and referenced ({@code ref()}, the default, not {@code unref()}).
     * Every method is idempotent and safe from any thread.
     */
    static final class Handle {
        private boolean active;
        private boolean referenced;

        Handle(boolean referenced) {
            this.referenced = referenced;
        }

        synchronized void activate() {
            if (!active && referenced) acquire();
            active = true;
        }

        synchronized void deactivate() {
            if (active && referenced) release();
            active = false;
        }

        synchronized void ref() {
            if (active && !referenced) acquire();
            referenced = true;
        }

        synchronized void unref() {
            if (active && referenced) release();
            referenced = false;
        }

        synchronized boolean hasRef() {
            return referenced;
        }
    }
}
