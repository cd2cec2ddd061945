package io.jtls.internal.tls;

import io.jtls.internal.engine.TlsEngine;
import io.jtls.net.Duplex;
import java.nio.ByteBuffer;

/**
 * The read half of a connection: plaintext out of the engine to the application with
 * backpressure (Node's {@code ClearOut}), and the peer's end. A consumer that stops reading
 * stops the engine and pauses the transport; {@code 'end'} follows the last byte once the peer
 * finished (close_notify, or its transport ended). {@link Outbound} is the other half.
 * Loop-confined.
 */
final class Inbound {
    private final Duplex transport;
    private final ConnectionHost host;
    private ReadSide side = ReadSide.OPEN;
    /** The application paused the plaintext: once established, the transport is paused too. */
    private boolean consumerPaused;

    Inbound(Duplex transport, ConnectionHost host) {
        this.transport = transport;
        this.host = host;
    }

    ReadSide side() {
        return side;
    }

    boolean consumerPaused() {
        return consumerPaused;
    }

    /** The peer finished sending (its close_notify, or the transport's end). */
    void peerFinished() {
        if (side == ReadSide.OPEN) {
            side = ReadSide.EOF; // Node's EOF: 'end' once what is buffered was read
        }
    }

    /** Decrypts what is buffered and pushes it, until the engine is empty or the consumer is full. */
    void read(TlsEngine engine, SessionFlow sessions, boolean isServer) {
        LoopBuffers buffers = LoopBuffers.get();
        while (!consumerPaused && engine != null && !host.destroyed()) {
            ByteBuffer plaintext = host.plaintextTarget(buffers.acquirePlaintext());
            boolean more;
            try {
                int n = engine.clearOut(plaintext);
                // A TLS 1.3 ticket read with this data was before it: 'session' first, as in
                // Node (OpenSSL's new-session callback runs inside the SSL_read returning the data)
                sessions.afterEngineCall(engine, isServer);
                if (host.destroyed()) {
                    break;
                }
                if (n <= 0) {
                    if (n < 0) {
                        peerFinished(); // close_notify
                    }
                    break;
                }
                more = host.push(plaintext.flip());
            } finally {
                buffers.release();
            }
            // push() also answers false while 'data' is flowing but older chunks still wait
            // in the stream's queue: only a consumer that really stopped blocks the engine.
            if (!more && !host.readingWanted()) {
                consumerPaused = true;
                transport.pause();
            }
        }
        if (engine != null && !host.destroyed()) {
            sessions.afterEngineCall(engine, isServer); // any session not handed out yet (the loop may not have run)
        }
        if (!consumerPaused && side == ReadSide.EOF && !host.destroyed()) {
            side = ReadSide.ENDED;
            host.pushEnd();
        }
    }

    /**
     * The application wants plaintext again: true when it had paused (the caller resumes the
     * transport unless the handshake waits for the application, and reads what waits in the engine).
     */
    boolean start() {
        if (!consumerPaused) {
            return false;
        }
        consumerPaused = false;
        return true;
    }

    /** The application paused the plaintext. */
    void stop() {
        consumerPaused = true;
    }
}
