package io.jtls.blocking;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;

/** The readable side of a stream as an {@link InputStream}; see {@link BlockingStreams}. */
final class DuplexInputStream extends InputStream {
    private final StreamState state;
    private final Runnable onClose;

    DuplexInputStream(StreamState state, Runnable onClose) {
        this.state = state;
        this.onClose = onClose;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    /**
     * Waits until bytes have arrived, the peer has ended (-1), or the connection failed
     * ({@link TlsIOException}). Bytes received before a failure are read first.
     *
     * @throws IllegalStateException on an event-loop thread (never block a loop thread)
     * @throws InterruptedIOException when the waiting thread is interrupted
     */
    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        LoopGuard.refuse("InputStream.read", state.stream.loop());
        if (len == 0) return 0;
        boolean resume = false;
        int n;
        state.lock.lock();
        try {
            while (true) {
                if (state.inputClosed) throw new IOException("stream closed");
                if (!state.chunks.isEmpty()) break;
                if (state.eof) return -1;
                if (state.error != null) throw TlsIOException.of(state.error);
                if (state.closed) return -1; // destroyed without an error: nothing more will come
                try {
                    state.changed.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while reading");
                }
            }
            n = 0;
            while (n < len && !state.chunks.isEmpty()) {
                ByteBuffer chunk = state.chunks.peek();
                int take = Math.min(len - n, chunk.remaining());
                chunk.get(b, off + n, take);
                n += take;
                if (!chunk.hasRemaining()) state.chunks.poll();
            }
            state.buffered -= n;
            resume = state.resumeDue();
        } finally {
            state.lock.unlock();
        }
        if (resume) state.stream.resume();
        return n;
    }

    /** Bytes that can be read without waiting. */
    @Override
    public int available() {
        state.lock.lock();
        try {
            return (int) Math.min(Integer.MAX_VALUE, state.buffered);
        } finally {
            state.lock.unlock();
        }
    }

    /**
     * Drops what is buffered, and whatever still arrives, and ends the connection (as closing a
     * {@code java.net.Socket}'s stream closes the socket).
     */
    @Override
    public void close() {
        boolean resume;
        state.lock.lock();
        try {
            if (state.inputClosed) return;
            resume = state.closeInput();
            state.changed.signalAll();
        } finally {
            state.lock.unlock();
        }
        if (resume) state.stream.resume();
        onClose.run();
    }
}
