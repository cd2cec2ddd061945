package io.jtls.blocking;

import io.jtls.net.Duplex;
import io.jtls.net.EventEmitter;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the loop has told about one stream, kept for the threads that block on it: received
 * chunks not yet read, end of input, the error, the close, and a count of {@code 'drain'}s.
 * Listeners run on the loop and never wait (they take the lock only to update and signal).
 */
final class StreamState {
    final Duplex stream;
    final ReentrantLock lock = new ReentrantLock();
    final Condition changed = lock.newCondition();
    private final int readLimit;

    // All guarded by lock.
    final ArrayDeque<ByteBuffer> chunks = new ArrayDeque<>();
    long buffered;
    boolean pausedByUs;
    boolean inputClosed;
    boolean eof;
    boolean closed;
    Throwable error;
    long drains;

    StreamState(Duplex stream, int readLimit) {
        this.stream = stream;
        this.readLimit = readLimit;
        stream.on(EventEmitter.ERROR, this::onError);
        stream.on(Duplex.END, this::onEnd);
        stream.on(Duplex.CLOSE, hadError -> onClose());
        stream.on(Duplex.DRAIN, this::onDrain);
        stream.on(Duplex.DATA, this::onData); // the first 'data' listener starts the flow
        try {
            // An end or close that happened before these listeners were added would never be
            // heard: read the stream's state on its loop, after anything already queued there.
            stream.loop().execute(() -> {
                if (stream.readableEnded()) onEnd();
                if (stream.closed()) onClose();
            });
        } catch (RejectedExecutionException e) {
            onClose(); // the loop is gone, and the stream with it
        }
    }

    private void onData(ByteBuffer chunk) {
        boolean pause = false;
        lock.lock();
        try {
            if (inputClosed) return; // nobody will read: drop, keep the connection flowing
            chunks.add(chunk);
            buffered += chunk.remaining();
            if (buffered >= readLimit && !pausedByUs) {
                pausedByUs = true;
                pause = true;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (pause) stream.pause(); // on the loop: takes effect now, before the next chunk
    }

    private void onEnd() {
        signal(() -> eof = true);
    }

    private void onClose() {
        signal(() -> closed = true);
    }

    private void onError(Throwable e) {
        signal(() -> {
            if (error == null) error = e;
        });
    }

    private void onDrain() {
        signal(() -> drains++);
    }

    private void signal(Runnable update) {
        lock.lock();
        try {
            update.run();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Called by a reader holding the lock after it took bytes: true when the flow must resume
     * (the caller calls {@link Duplex#resume()} after unlocking). Resumes at half the limit, so
     * that a reader taking small pieces does not toggle the flow at every read.
     */
    boolean resumeDue() {
        if (pausedByUs && buffered <= readLimit / 2) {
            pausedByUs = false;
            return true;
        }
        return false;
    }

    /** The input side is closed: drop what is buffered and whatever still arrives. True: resume the flow. */
    boolean closeInput() {
        inputClosed = true;
        chunks.clear();
        buffered = 0;
        boolean resume = pausedByUs;
        pausedByUs = false;
        return resume;
    }
}
