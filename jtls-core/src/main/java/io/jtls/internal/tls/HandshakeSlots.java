package io.jtls.internal.tls;

import io.jtls.net.Duplex;
import io.jtls.net.Socket;
import io.jtls.net.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A server's {@code maxHandshakes} (beyond Node): at most {@code max} TLS handshakes in progress
 * at once over all of the server's loops. A connection beyond the limit waits, unread (its TLS
 * layer is not set up yet, so no byte of its ClientHello is taken into OpenSSL), in arrival
 * order, until a handshake in progress ends (completes, fails or its socket closes). A waiting
 * connection is destroyed when the peer leaves, or after {@code waitLimit} (the handshake
 * timeout), so that a flood cannot pile up connections for ever; then its own handshake has the
 * full handshake timeout. Thread-safe: connections arrive and end on every loop.
 *
 * <h2>What it costs, and only when set</h2>
 * A limit over all loops needs one count that all loops write: {@link #inProgress()} is a
 * single atomic word (one compare-and-set when a handshake starts, one decrement when it ends,
 * plus a look at the waiting queue), so with {@code maxHandshakes} set every handshake bounces
 * that cache line between the cores of the loops. That is the price of the option, paid only by
 * a server that asks for it: without {@code maxHandshakes} the server makes no
 * {@code HandshakeSlots} at all and starts each connection's TLS layer at once, touching nothing
 * shared per handshake.
 */
public final class HandshakeSlots {
    private final int max;
    private final AtomicInteger inProgress = new AtomicInteger();
    private final ConcurrentLinkedQueue<Waiting> waiting = new ConcurrentLinkedQueue<>();

    /** @param max the limit, at least 1 */
    public HandshakeSlots(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("maxHandshakes must be positive: " + max);
        }
        this.max = max;
    }

    /** Handshakes in progress now (for tests and statistics). */
    public int inProgress() {
        return inProgress.get();
    }

    /** Connections waiting for a slot now (for tests and statistics). */
    public int waiting() {
        return waiting.size();
    }

    /**
     * Runs {@code start} on {@code raw}'s loop (now, if called there with a slot free) once the
     * connection holds a slot, with the runnable that gives the slot back: the caller runs it when
     * the handshake ends; it runs by itself when {@code raw} closes, and is idempotent.
     *
     * @param waitLimit how long the connection may wait for a slot; null for ever
     */
    public void admit(Socket raw, Duration waitLimit, Consumer<Runnable> start) {
        Waiting entry = new Waiting(raw, start);
        if (tryAcquire()) {
            entry.begin();
            return;
        }
        waiting.add(entry);
        raw.once(Duplex.CLOSE, hadError -> entry.abandon()); // the peer left while waiting
        if (waitLimit != null) {
            entry.timer = raw.loop().schedule(waitLimit, () -> {
                if (entry.abandon()) {
                    raw.destroy();
                }
            });
        }
        drain(); // a slot may have been freed between tryAcquire and add
    }

    private boolean tryAcquire() {
        while (true) {
            int n = inProgress.get();
            if (n >= max) {
                return false;
            }
            if (inProgress.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    private void release() {
        inProgress.decrementAndGet();
        drain();
    }

    /** Hands free slots to waiting connections, oldest first. */
    private void drain() {
        while (!waiting.isEmpty() && tryAcquire()) {
            Waiting next;
            do {
                next = waiting.poll();
            } while (next != null && !next.claim());
            if (next == null) {
                inProgress.decrementAndGet();
                if (waiting.isEmpty()) {
                    return;
                }
                continue;
            }
            Waiting admitted = next;
            admitted.raw.loop().execute(admitted::begin);
        }
    }

    /** One connection, waiting or admitted; claimed exactly once (admitted, or abandoned). */
    private final class Waiting {
        final Socket raw;
        final Consumer<Runnable> start;
        final AtomicBoolean claimed = new AtomicBoolean();
        volatile Timer timer;

        Waiting(Socket raw, Consumer<Runnable> start) {
            this.raw = raw;
            this.start = start;
        }

        boolean claim() {
            return claimed.compareAndSet(false, true);
        }

        /** Gives up waiting: true when it was still waiting. */
        boolean abandon() {
            if (!claim()) {
                return false;
            }
            waiting.remove(this);
            return true;
        }

        /** Holds a slot now (loop thread): the TLS layer starts, or the slot is given back at once. */
        void begin() {
            claimed.set(true);
            Timer t = timer;
            if (t != null) {
                t.cancel();
            }
            AtomicBoolean released = new AtomicBoolean();
            Runnable release = () -> {
                if (released.compareAndSet(false, true)) {
                    release();
                }
            };
            if (raw.destroyed()) {
                release.run();
                return;
            }
            raw.once(Duplex.CLOSE, hadError -> release.run());
            start.accept(release);
        }
    }
}
