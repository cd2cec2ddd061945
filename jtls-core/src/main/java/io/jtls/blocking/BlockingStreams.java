package io.jtls.blocking;

import io.jtls.net.Duplex;
import java.io.Closeable;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * A {@link Duplex} (a {@link io.jtls.TlsSocket}, a {@link io.jtls.net.Socket}) seen as a blocking
 * {@link InputStream} and {@link OutputStream}, for one thread (ideally virtual) per connection.
 *
 * <ul>
 *   <li>{@link #input()}: {@code read} waits for bytes, returns -1 once the peer has ended, and
 *       throws a {@link TlsIOException} (cause: the error the connection emitted) once it failed.
 *       Received bytes wait in a buffer; when it holds {@code readLimit} bytes the connection is
 *       {@linkplain Duplex#pause() paused} (the peer then meets TCP backpressure) and it is
 *       {@linkplain Duplex#resume() resumed} when the reader has taken half of them.</li>
 *   <li>{@link #output()}: {@code write} hands the bytes over and, when
 *       {@link Duplex#write(java.nio.ByteBuffer)} answers false, waits for {@code 'drain'}. Each
 *       {@code write} is at least one TLS record: wrap it in a {@link java.io.BufferedOutputStream}
 *       to send small pieces.</li>
 *   <li>{@link #close()} (and closing either stream) ends the connection: the bytes written are
 *       sent, then close_notify, as Node's {@code end()}. Closing only the output is a half-close:
 *       the input reads on until the peer ends. {@link #destroy()} drops the connection at once.</li>
 * </ul>
 *
 * <p><b>Half-open streams.</b> The view takes bytes off the stream as they arrive, so the peer's
 * end reaches the stream while the reader may still have bytes ahead of it. A stream with
 * {@code allowHalfOpen} false ends its own side at that moment (Node's rule), before the reader
 * could answer them: give such streams {@code allowHalfOpen} true ({@link BlockingTls} and
 * {@link BlockingTlsServer} do) and close the view when done.
 *
 * <p><b>Threading: never block a loop thread.</b> {@code read} and {@code write} throw
 * {@link IllegalStateException} at once when called on an event-loop thread (inside any jtls
 * listener or callback) rather than freezing the loop with every connection on it. Creating the
 * view and closing it never wait: they may be called anywhere.
 *
 * @param <D> the kind of stream
 */
public final class BlockingStreams<D extends Duplex> implements Closeable {
    /** Default {@code readLimit}: bytes buffered before the connection is paused. */
    public static final int DEFAULT_READ_LIMIT = 64 * 1024;

    private final D stream;
    private final StreamState state;
    private final DuplexInputStream input;
    private final DuplexOutputStream output;

    private BlockingStreams(D stream, int readLimit) {
        this.stream = stream;
        this.state = new StreamState(stream, readLimit);
        this.input = new DuplexInputStream(state, stream::end);
        this.output = new DuplexOutputStream(state, stream::end);
    }

    /**
     * {@link #of(Duplex, int)} with {@link #DEFAULT_READ_LIMIT}.
     *
     * @param <D> the stream type
     * @param stream the stream
     * @return {@link #of(Duplex, int)} with {@link #DEFAULT_READ_LIMIT}
     */
    public static <D extends Duplex> BlockingStreams<D> of(D stream) {
        return of(stream, DEFAULT_READ_LIMIT);
    }

    /**
     * The blocking view of {@code stream}, which from now on belongs to it: this view becomes its
     * (only) {@code 'data'} consumer and listens to {@code 'error'}, so no failure goes unheard.
     * Bytes are only safe from loss if nothing has consumed the stream before: make the view
     * before the stream flows (in {@code Tls.connect}'s setup, in the {@code 'secureConnection'}
     * listener, or on any thread for a stream nobody has read). Does not block.
     *
     * @param readLimit bytes buffered before the stream is paused (at least 1)
     * @param <D> the stream type
     * @param stream the stream
     * @return the blocking view of {@code stream}, which from now on belongs to it: this view becomes its
     *         (only) {@code 'data'} consumer and listens to {@code 'error'}, so no failure goes unheard
     */
    public static <D extends Duplex> BlockingStreams<D> of(D stream, int readLimit) {
        Objects.requireNonNull(stream, "stream");
        if (readLimit < 1) throw new IllegalArgumentException("readLimit must be at least 1: " + readLimit);
        return new BlockingStreams<>(stream, readLimit);
    }

    /**
     * The stream underneath: its events and properties (for a TLS socket: peer certificate, ALPN, ...).
     *
     * @return the stream underneath: its events and properties (for a TLS socket: peer certificate, ALPN,
     *         ...)
     */
    public D stream() {
        return stream;
    }

    /**
     * The readable side (the same object every time).
     *
     * @return the readable side (the same object every time)
     */
    public InputStream input() {
        return input;
    }

    /**
     * The writable side (the same object every time).
     *
     * @return the writable side (the same object every time)
     */
    public OutputStream output() {
        return output;
    }

    /**
     * Closes both streams: ends the connection after the bytes written (Node's {@code end()}) and
     * from now on drops what arrives, so that a peer still sending is never left stuck behind a
     * paused connection (its end, queued behind its data, must still be read). Does not wait.
     */
    @Override
    public void close() {
        input.close();
        output.close();
    }

    /** Drops the connection now, unsent bytes included (Node's {@code destroy()}); does not wait. */
    public void destroy() {
        stream.destroy();
    }

    /**
     * Waits until the connection has closed (Node's {@code 'close'}): both sides ended, or it
     * was destroyed or failed.
     *
     * @throws IllegalStateException on an event-loop thread (never block a loop thread)
     * @throws InterruptedIOException when the waiting thread is interrupted
     */
    public void awaitClosed() throws InterruptedIOException {
        LoopGuard.refuse("awaitClosed", stream.loop());
        state.lock.lock();
        try {
            while (!state.closed) {
                state.changed.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for 'close'");
        } finally {
            state.lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "BlockingStreams[" + stream + "]";
    }
}
