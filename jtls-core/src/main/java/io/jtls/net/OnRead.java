package io.jtls.net;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Node's {@code onread} option ({@code net.connect}, {@code tls.connect}, the socket
 * constructors): incoming bytes go into one buffer the program supplies, reused for every read,
 * and a callback is told how many arrived. No {@code 'data'} chunk is made (no allocation, no
 * copy into a new array per read), and the streaming side delivers nothing: {@code 'data'}
 * listeners hear no bytes. {@code 'end'}, {@code 'error'} and {@code 'close'} are emitted as
 * usual, and {@link Duplex#pause()}/{@link Duplex#resume()} work as usual.
 *
 * <pre>{@code
 * ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);   // reused for every read
 * Tls.connect(TlsConnectOptions.builder().port(443).host("example.com")
 *         .onread(OnRead.of(buffer, (nread, buf) -> {
 *             digest.update(buf);                             // the bytes, at [0, nread)
 *             return true;                                    // false pauses, as Node
 *         })).build(), null);
 * }</pre>
 *
 * <h2>The buffer</h2>
 * Each read writes from index 0 of the buffer up to its capacity (to use part of a larger
 * buffer, pass a {@link ByteBuffer#slice(int, int) slice}); the callback gets the buffer with
 * position 0 and limit {@code nread}. The bytes are valid until the callback returns: the next
 * read overwrites them. A <em>direct</em> buffer costs least: a TLS socket decrypts straight
 * into it and a TCP socket reads into it, with no copy in between; a heap buffer (or a
 * {@code byte[]}) gets one copy from the loop's own direct buffer. The supplier form
 * ({@link #of(Supplier, Callback)}, Node's {@code buffer} function) is called for each read that
 * needs a buffer and may return the same buffer every time or a new one.
 *
 * <h2>The callback</h2>
 * Called on the socket's loop thread for each chunk, with {@code nread > 0}. Returning
 * {@code false} stops reading, as Node's: nothing more is read (not even ahead) and nothing
 * more is delivered until {@link Duplex#resume()}; {@link Duplex#isPaused()} stays false, as in
 * Node, where it is the socket's handle that stops. (Node's TLS socket still delivers the
 * plaintext of the records it read in the same batch, up to a few tens of KiB, before it stops;
 * its TCP socket stops at once, as jtls does for both.) A callback that throws is logged (as a throwing listener
 * is, see {@link EventEmitter}) and reading goes on, as in a Node process whose
 * {@code 'uncaughtException'} handler keeps it running: the exception does not reach the
 * socket.
 */
public final class OnRead {
    /** Node's {@code onread.callback(nread, buf)}. */
    @FunctionalInterface
    public interface Callback {
        /**
         * Called for each chunk read into the buffer.
         *
         * @param nread how many bytes arrived (at least 1)
         * @param buffer the buffer, with position 0 and limit {@code nread}
         * @return false to stop reading until {@link Duplex#resume()}
         */
        boolean onRead(int nread, ByteBuffer buffer);
    }

    private final ByteBuffer fixed;
    private final Supplier<ByteBuffer> supplier;
    private final Callback callback;

    private OnRead(ByteBuffer fixed, Supplier<ByteBuffer> supplier, Callback callback) {
        this.fixed = fixed;
        this.supplier = supplier;
        this.callback = Objects.requireNonNull(callback, "callback");
    }

    /**
     * One buffer, reused for every read (Node's {@code buffer: Buffer}).
     *
     * @param buffer the buffer (its whole capacity is used; direct costs least)
     * @param callback called for each chunk
     * @return the option
     * @throws IllegalArgumentException for a read-only or empty buffer
     */
    public static OnRead of(ByteBuffer buffer, Callback callback) {
        return new OnRead(check(Objects.requireNonNull(buffer, "buffer")), null, callback);
    }

    /**
     * One array, reused for every read; the callback's buffer wraps it ({@link ByteBuffer#array()}).
     *
     * @param buffer the array
     * @param callback called for each chunk
     * @return the option
     * @throws IllegalArgumentException for an empty array
     */
    public static OnRead of(byte[] buffer, Callback callback) {
        return of(ByteBuffer.wrap(Objects.requireNonNull(buffer, "buffer")), callback);
    }

    /**
     * A buffer from {@code buffer} for each read (Node's {@code buffer: Function}).
     *
     * @param buffer returns the buffer for the next read: a writable buffer with capacity
     * @param callback called for each chunk
     * @return the option
     */
    public static OnRead of(Supplier<ByteBuffer> buffer, Callback callback) {
        return new OnRead(null, Objects.requireNonNull(buffer, "buffer"), callback);
    }

    /**
     * The callback.
     *
     * @return the callback
     */
    public Callback callback() {
        return callback;
    }

    /** The buffer for the next read: the fixed one, or a new one from the supplier. */
    ByteBuffer nextBuffer() {
        return fixed != null ? fixed : check(Objects.requireNonNull(supplier.get(), "onread buffer supplier returned null"));
    }

    /** True for the supplier form: each read that uses a buffer asks for one. */
    boolean nextBufferIsNew() {
        return fixed == null;
    }

    private static ByteBuffer check(ByteBuffer buffer) {
        if (buffer.isReadOnly() || buffer.capacity() == 0) {
            throw new IllegalArgumentException("onread needs a writable buffer with room, got " + buffer);
        }
        return buffer;
    }
}
