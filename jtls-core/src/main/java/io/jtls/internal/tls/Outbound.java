package io.jtls.internal.tls;

import io.jtls.error.TlsException;
import io.jtls.internal.engine.TlsEngine;
import io.jtls.net.Duplex;
import java.nio.ByteBuffer;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * The outgoing half of a {@link ConnectionDriver}: plaintext the application wrote, held until
 * data may flow and while the transport pushes back, coalesced into full records on the way into
 * the engine at the end of each loop turn; and the ciphertext the engine produced, flushed to
 * the transport. Loop thread only.
 */
final class Outbound {
    private final ConnectionDriver driver;
    private final Duplex transport;
    private final ConnectionHost host;
    private final SessionFlow sessions;
    private final PlaintextQueue pending = new PlaintextQueue();
    /** The transport's write queue is above its mark: encryption waits for its 'drain'. */
    private boolean transportFull;
    private boolean flushScheduled;
    /** A ciphertext flush waits for the end of this loop turn ({@link #flushCiphertextLater}). */
    private boolean ciphertextFlushScheduled;

    Outbound(ConnectionDriver driver, Duplex transport, ConnectionHost host, SessionFlow sessions) {
        this.driver = driver;
        this.transport = transport;
        this.host = host;
        this.sessions = sessions;
    }

    boolean isEmpty() {
        return pending.isEmpty();
    }

    /** Queues plaintext (owned from now on) and its callback (may be null). */
    void write(ByteBuffer chunk, Consumer<Throwable> callback) {
        pending.add(chunk, callback);
        scheduleFlush();
    }

    /**
     * Plaintext the caller keeps: when nothing waits, its whole records go to the engine at once
     * (no copy); the rest is copied and queued, to be coalesced with the next writes of this
     * turn, so that records on the wire are full except the last.
     */
    void writeBorrowed(ByteBuffer chunk) {
        int whole = chunk.remaining() - chunk.remaining() % LoopBuffers.RECORD_SIZE;
        if (whole > 0 && driver.dataMayFlow() && pending.isEmpty() && !transportFull) {
            int limit = chunk.limit();
            chunk.limit(chunk.position() + whole);
            try {
                TlsEngine engine;
                while (chunk.hasRemaining() && (engine = driver.engine()) != null) {
                    long taken = encryptAndSend(engine, e -> e.clearIn(chunk)); // a loan's worth of records
                    host.flushed(taken);
                    flushCiphertext();
                    if (taken == 0) {
                        break;
                    }
                }
            } catch (TlsException e) {
                driver.onEngineError(e);
                return;
            } finally {
                chunk.limit(limit);
            }
        }
        if (chunk.hasRemaining() && !host.destroyed()) {
            ByteBuffer copy = ByteBuffer.allocate(chunk.remaining());
            copy.put(chunk).flip();
            pending.add(copy, null);
            scheduleFlush();
        }
    }

    /** Encrypts queued writes at the end of this loop turn, so that small writes share records. */
    void scheduleFlush() {
        if (!flushScheduled) {
            flushScheduled = true;
            driver.loop().execute(this::flushPlaintext);
        }
    }

    /** After a cycle: writes the engine refused while the peer renegotiated may go now. */
    void afterCycle() {
        if (!pending.isEmpty() && !transportFull) {
            scheduleFlush();
        }
    }

    void onTransportDrain() {
        transportFull = false;
        flushPlaintext();
    }

    private void flushPlaintext() {
        flushScheduled = false;
        if (!driver.dataMayFlow()) {
            return;
        }
        try {
            TlsEngine engine;
            while (!pending.isEmpty() && !transportFull && (engine = driver.engine()) != null) {
                long taken = encryptAndSend(engine, e -> pending.encryptNext(e, callback -> host.callLater(callback, null)));
                host.flushed(taken);
                flushCiphertext();
                if (taken == 0) {
                    break;
                }
            }
        } catch (TlsException e) {
            driver.onEngineError(e);
            return;
        }
        driver.shutdownIfDone();
    }

    /**
     * One encryption step whose records land straight in the loop's ciphertext buffer, lent to
     * the engine for the step (no copy out of the engine: {@link TlsEngine#lendOutput}), then go
     * to the transport; the engine encrypts only what fits, and records that did not fit (or
     * were produced while output is held) stay in the engine for {@link #flushCiphertext}.
     * The lent bytes are written even when the step fails: they may carry the fatal alert.
     */
    private long encryptAndSend(TlsEngine engine, ToLongFunction<TlsEngine> step) {
        if (sessions.holdsOutput()) {
            return step.applyAsLong(engine); // held until 'newSession' is done: nothing may leave
        }
        LoopBuffers buffers = LoopBuffers.get();
        ByteBuffer ciphertext = buffers.acquireCiphertext();
        try {
            engine.lendOutput(ciphertext);
            try {
                return step.applyAsLong(engine);
            } finally {
                engine.endOutputLoan(ciphertext);
                ciphertext.flip();
                if (ciphertext.hasRemaining() && !transport.writableEnded() && !transport.destroyed()) {
                    transport.writeBorrowed(ciphertext);
                }
            }
        } finally {
            buffers.release();
        }
    }

    /**
     * Writes the engine's ciphertext at the end of this loop turn rather than now, so that what
     * the turn adds goes out in the same write: after a server's handshake, its TLS 1.3 tickets
     * share a write with the first data, or with the close_notify of a client that ended at once
     * (one system call fewer per connection). The bytes keep their order: they all leave the
     * engine's output buffer, in one piece or in two.
     */
    void flushCiphertextLater() {
        if (!ciphertextFlushScheduled) {
            ciphertextFlushScheduled = true;
            driver.loop().execute(this::flushScheduledCiphertext);
        }
    }

    /** The flush {@link #flushCiphertextLater} put off, unless one ran since; also before the transport is destroyed. */
    void flushScheduledCiphertext() {
        if (ciphertextFlushScheduled) {
            flushCiphertext();
        }
    }

    /**
     * Writes every byte of ciphertext the engine has for the peer to the transport.
     *
     * @return true when the engine had some (written, or dropped because the transport ended)
     */
    boolean flushCiphertext() {
        ciphertextFlushScheduled = false;
        TlsEngine engine = driver.engine();
        if (engine == null || sessions.holdsOutput()) {
            return false;
        }
        boolean produced = false;
        LoopBuffers buffers = LoopBuffers.get();
        boolean closedUnderneath = transport.writableEnded() || transport.destroyed();
        while (engine.encPending() > 0) {
            produced = true;
            ByteBuffer ciphertext = buffers.acquireCiphertext();
            try {
                engine.encOut(ciphertext);
                if (closedUnderneath) {
                    continue; // the stream underneath ended first (its peer went away): nobody to tell
                }
                transport.writeBorrowed(ciphertext.flip());
            } finally {
                buffers.release();
            }
            if (driver.engine() == null) {
                return true; // the transport failed and destroyed us
            }
        }
        transportFull = transport.writableLength() >= transport.writableHighWaterMark();
        return produced;
    }

    /** Drops every queued write, failing its callback with {@code error}. */
    void clear(Throwable error) {
        pending.clear(callback -> host.callLater(callback, error));
    }
}
