package io.jtls.blocking;

import io.jtls.Tls;
import io.jtls.TlsConnectOptions;
import io.jtls.TlsSocket;
import io.jtls.net.Duplex;
import io.jtls.net.EventEmitter;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Blocking entry points: {@link #connect} for clients; {@link BlockingTlsServer} for servers.
 *
 * <p><b>Threading: never block a loop thread.</b> Call these from a thread of your own (a
 * virtual thread per connection); on an event-loop thread they throw {@link IllegalStateException}.
 */
public final class BlockingTls {
    private BlockingTls() {}

    /**
     * Node's {@code tls.connect(options)}, returning once the connection is secure and, unless
     * {@code rejectUnauthorized} is false, the server verified ({@code 'secureConnect'}).
     * The connection is half-open ({@code allowHalfOpen} is set): after the server's end,
     * {@code read} returns -1 and writing goes on until the connection is closed, as with a
     * {@code java.net.Socket}; close it when done.
     *
     * @param options the options
     * @return Node's {@code tls.connect(options)}, returning once the connection is secure and, unless {@code
     *         rejectUnauthorized} is false, the server verified ({@code 'secureConnect'})
     * @throws TlsIOException the connection failed first (refused, reset, handshake or
     *         verification error): its cause is the error Node would emit, its {@code code()} Node's
     * @throws InterruptedIOException the thread was interrupted (the connection is destroyed)
     * @throws IllegalStateException on an event-loop thread (never block a loop thread)
     * @throws io.jtls.error.TlsException when a secure context cannot be built from the options
     * @throws io.jtls.error.TlsArgumentException for an option Node rejects
     */
    public static BlockingStreams<TlsSocket> connect(TlsConnectOptions options) throws IOException {
        return connect(options, BlockingStreams.DEFAULT_READ_LIMIT, null);
    }

    /**
     * {@link #connect(TlsConnectOptions)} giving up after {@code deadline}: the connection is then
     * destroyed and a {@link SocketTimeoutException} thrown (a server that accepts the TCP
     * connection but never answers the handshake would otherwise hold the thread for good).
     *
     * @param options the options
     * @param deadline the deadline
     * @return {@link #connect(TlsConnectOptions)} giving up after {@code deadline}: the connection is then
     *         destroyed and a {@link SocketTimeoutException} thrown (a server that accepts the TCP connection
     *         but never answers the handshake would otherwise hold the thread for good)
     * @throws IOException when the I/O fails
     */
    public static BlockingStreams<TlsSocket> connect(TlsConnectOptions options, Duration deadline) throws IOException {
        return connect(options, BlockingStreams.DEFAULT_READ_LIMIT, java.util.Objects.requireNonNull(deadline, "deadline"));
    }

    /**
     * {@link #connect(TlsConnectOptions)} with the read buffer limit of {@link BlockingStreams#of(Duplex, int)}.
     *
     * @param options the options
     * @param readLimit how many bytes the reader buffers at most
     * @return {@link #connect(TlsConnectOptions)} with the read buffer limit of {@link
     *         BlockingStreams#of(Duplex, int)}
     * @throws IOException when the I/O fails
     */
    public static BlockingStreams<TlsSocket> connect(TlsConnectOptions options, int readLimit) throws IOException {
        return connect(options, readLimit, null);
    }

    /**
     * {@link #connect(TlsConnectOptions)} with the read buffer limit of
     * {@link BlockingStreams#of(Duplex, int)} and a {@code deadline} (null: none).
     *
     * @param options the options
     * @param readLimit how many bytes the reader buffers at most
     * @param deadline the deadline
     * @return {@link #connect(TlsConnectOptions)} with the read buffer limit of {@link
     *         BlockingStreams#of(Duplex, int)} and a {@code deadline} (null: none)
     * @throws IOException when the I/O fails
     */
    public static BlockingStreams<TlsSocket> connect(TlsConnectOptions options, int readLimit, Duration deadline)
            throws IOException {
        if (readLimit < 1) throw new IllegalArgumentException("readLimit must be at least 1: " + readLimit);
        LoopGuard.refuse("BlockingTls.connect", null);
        CompletableFuture<Void> secure = new CompletableFuture<>();
        @SuppressWarnings({"unchecked", "rawtypes"}) // a generic array: one slot the callback fills
        BlockingStreams<TlsSocket>[] view = new BlockingStreams[1];
        // Half-open for the reason given on BlockingTlsServer: the reader is behind the events.
        TlsSocket socket = Tls.connect(options.toBuilder().allowHalfOpen(true).build(), s -> {
            // Before the socket starts: nothing it emits can be missed.
            view[0] = BlockingStreams.of(s, readLimit);
            s.once(EventEmitter.ERROR, secure::completeExceptionally);
            s.once(Duplex.CLOSE, hadError -> secure.completeExceptionally(
                    new TlsIOException("connection closed before it was secure", null)));
        }, () -> secure.complete(null));
        try {
            if (deadline == null) secure.get();
            else secure.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
            return view[0];
        } catch (TimeoutException e) {
            socket.destroy();
            throw new SocketTimeoutException("not secure within " + deadline + " (" + options.host() + ":" + options.port() + ")");
        } catch (InterruptedException e) {
            socket.destroy();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while connecting");
        } catch (ExecutionException e) {
            socket.destroy();
            throw e.getCause() instanceof TlsIOException t ? t : TlsIOException.of(e.getCause());
        }
    }
}
