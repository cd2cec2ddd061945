package io.jtls.internal.tls;

import io.jtls.internal.engine.EngineState;
import io.jtls.internal.engine.TlsEngine;
import io.jtls.net.EventLoop;
import io.jtls.net.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What bounds and records a connection's handshakes, so that the driver only says when they start
 * and end: the handshake timeout (Node's {@code handshakeTimeout}, and beyond Node each
 * renegotiation's), the ciphertext a peer may send before the first handshake completes (a paused
 * handshake cannot make the engine buffer without end), and JFR's handshake events. Loop thread.
 */
final class HandshakeWatch {
    /** Ciphertext accepted before the handshake completes (the read that crosses it included). */
    static final int INPUT_LIMIT = 64 * 1024;

    private final EventLoop loop;
    private final Duration timeout;
    private final Runnable onTimeout;
    private final boolean isServer;
    private Timer timer;
    private long input;
    /** JFR's handshake events: null unless a recording wanted them at the start; {@link HandshakeRecording#DONE} once secure. */
    private HandshakeRecording recording;
    /** The first failure reported (a server's goes to 'tlsClientError', not to destroy), for the JFR event. */
    private Throwable failure;

    HandshakeWatch(EventLoop loop, Duration timeout, boolean isServer, Runnable onTimeout) {
        this.loop = loop;
        this.timeout = timeout;
        this.isServer = isServer;
        this.onTimeout = onTimeout;
    }

    /** A client's handshake starts (a server's starts with the ClientHello's first bytes: {@link #input}). */
    void clientStarted() {
        if (!isServer) {
            recording = HandshakeRecording.beginIfEnabled();
        }
    }

    /**
     * Ciphertext read before the first handshake completed.
     *
     * @return true once more than {@link #INPUT_LIMIT} bytes came before the handshake completed
     */
    boolean input(int bytes) {
        if (input == 0 && isServer) {
            recording = HandshakeRecording.beginIfEnabled();
        }
        input += bytes;
        return input > INPUT_LIMIT;
    }

    /** True once ciphertext came from the peer (before the first handshake completed). */
    boolean inputSeen() {
        return input > 0;
    }

    /** Starts the timeout (at most one at a time); when it fires, {@code onTimeout} runs. */
    void arm() {
        if (timer == null && timeout != null && timeout.toNanos() > 0) {
            timer = loop.schedule(timeout.toNanos(), TimeUnit.NANOSECONDS, () -> {
                timer = null;
                onTimeout.run();
            });
        }
    }

    void cancel() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }

    /** The first failure the connection reports, kept for the handshake's JFR event. */
    void failed(Throwable error) {
        if (failure == null) {
            failure = error;
        }
    }

    /**
     * The first handshake completed and the peer passed the checks. The peer's address text is
     * built only for a recording ({@code host.peer()}), not on every connection.
     */
    void secure(boolean server, TlsEngine engine, HandshakeSnapshot established, String servername,
                ConnectionHost host) {
        if (recording != null) {
            recording.completed(server, engine, established, servername, host.peer());
        }
        recording = HandshakeRecording.DONE;
    }

    /** True when the connection's destruction now would be recorded as a failed handshake. */
    boolean recordsFailure() {
        return recording != HandshakeRecording.DONE && HandshakeRecording.wantsFailure(recording);
    }

    /**
     * Records why a first handshake did not complete: {@code error}, else the first failure
     * reported, else {@code rejection}. Only when {@link #recordsFailure()}.
     */
    void recordFailure(Throwable error, Throwable rejection, Phase phase, EngineState engineState,
                       boolean holdsSessionOutput, String servername, String peer) {
        Throwable why = error != null ? error : failure != null ? failure : rejection;
        HandshakeRecording.failed(recording, isServer, why,
                HandshakeRecording.stage(phase, engineState, holdsSessionOutput, isServer, input), servername, peer);
    }

    /** The connection is destroyed: nothing more to bound or record. */
    void destroyed() {
        recording = HandshakeRecording.DONE;
        cancel();
    }
}
