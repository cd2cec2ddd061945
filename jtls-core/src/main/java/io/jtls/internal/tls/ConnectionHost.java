package io.jtls.internal.tls;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * What a {@link ConnectionDriver} needs from the public socket above it: the stream machinery
 * of its {@code Duplex} (Node's readable and writable state) and the socket's own events. The
 * facade ({@code io.jtls.TlsSocket}) implements it with a private adapter, so none of this is
 * public API. Every method is called on the connection's loop thread.
 */
public interface ConnectionHost {
    /** Delivers plaintext (borrowed); false when the consumer wants no more for now. */
    boolean push(ByteBuffer plaintext);

    /**
     * Where the next plaintext should be decrypted to, then {@link #push}ed: the consumer's own
     * direct buffer (Node's {@code onread}: no copy between OpenSSL and the program), or
     * {@code loopBuffer} (its limit possibly lowered to what the consumer takes at once).
     */
    default ByteBuffer plaintextTarget(ByteBuffer loopBuffer) {
        return loopBuffer;
    }

    /** The plaintext input ended (Node's {@code push(null)}). */
    void pushEnd();

    /** True while someone consumes the plaintext (flowing, not paused). */
    boolean readingWanted();

    /** {@code bytes} of what the application wrote left the write queue. */
    void flushed(long bytes);

    /** The write side finished: close_notify sent and the transport half-closed. */
    void finished();

    /** Runs a write callback later on the loop. */
    void callLater(Consumer<Throwable> callback, Throwable error);

    /** Destroys the socket: {@code 'error'} with {@code error} unless null, then {@code 'close'}. */
    void destroy(Throwable error);

    /** True once the socket is destroyed. */
    boolean destroyed();

    /** {@code 'connect'}: the transport connected. */
    void emitConnect();

    /** {@code 'secure'}: the handshake completed. */
    void emitSecure();

    /** {@code 'secureConnect'} (clients of {@code tls.connect}): secure and verified. */
    void emitSecureConnect();

    /** True when a {@code 'session'} listener exists (sessions are encoded only then). */
    boolean wantsSessions();

    /** {@code 'session'} with a client session in DER form. */
    void emitSession(byte[] session);

    /** {@code 'OCSPResponse'} (clients with {@code requestOCSP}): the stapled response, or null when the server sent none. */
    void emitOcspResponse(byte[] response);
    /** The peer's {@code address:port} ({@code [v6]:port}) for messages; null when unknown. */
    default String peer() {
        return null;
    }

    /** True when a {@code 'keylog'} listener exists on the socket or, for a server's socket, on its server. */
    default boolean wantsKeylog() {
        return false;
    }

    /** {@code 'keylog'}: one NSS key log line, ending in a newline (the socket's, and its server's). */
    default void emitKeylog(byte[] line) {
    }
}
