package io.jtls.blocking;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/** The writable side of a stream as an {@link OutputStream}; see {@link BlockingStreams}. */
final class DuplexOutputStream extends OutputStream {
    /** Largest piece handed to the stream at once: a big array is copied and queued in parts. */
    private static final int PIECE = 64 * 1024;

    private final StreamState state;
    private final Runnable onClose;
    private volatile boolean closed;

    DuplexOutputStream(StreamState state, Runnable onClose) {
        this.state = state;
        this.onClose = onClose;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    /**
     * Hands the bytes to the connection (copied: the array may be reused at once) and waits while
     * its write queue is over the high-water mark, until {@code 'drain'}.
     *
     * @throws IllegalStateException on an event-loop thread (never block a loop thread)
     * @throws TlsIOException when the connection failed
     * @throws IOException when this stream or the connection is closed
     * @throws InterruptedIOException when the waiting thread is interrupted (the bytes given so far may be sent)
     */
    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        LoopGuard.refuse("OutputStream.write", state.stream.loop());
        for (int done = 0; done < len; ) {
            int piece = Math.min(PIECE, len - done);
            writePiece(Arrays.copyOfRange(b, off + done, off + done + piece));
            done += piece;
        }
    }

    private void writePiece(byte[] piece) throws IOException {
        long drainsBefore;
        state.lock.lock();
        try {
            checkOpen();
            drainsBefore = state.drains;
        } finally {
            state.lock.unlock();
        }
        if (state.stream.write(ByteBuffer.wrap(piece))) return;
        state.lock.lock();
        try {
            // 'drain' for this write comes after the write reaches the loop; counting drains seen
            // before the write keeps one that arrives before we wait from being missed.
            while (state.drains == drainsBefore) {
                checkOpen();
                try {
                    state.changed.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for 'drain'");
                }
            }
        } finally {
            state.lock.unlock();
        }
    }

    /** Under the lock: fails when nothing more can be written. */
    private void checkOpen() throws IOException {
        if (closed) throw new IOException("stream closed");
        if (state.error != null) throw TlsIOException.of(state.error);
        if (state.closed) throw new IOException("connection closed");
    }

    /** Nothing to do: every write has already handed its bytes to the connection. */
    @Override
    public void flush() throws IOException {
        state.lock.lock();
        try {
            if (state.error != null) throw TlsIOException.of(state.error);
        } finally {
            state.lock.unlock();
        }
    }

    /**
     * Ends the connection's writable side: the bytes written are sent, then TLS's close_notify
     * (Node's {@code end()}). The input reads on until the peer ends.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        onClose.run();
    }
}
