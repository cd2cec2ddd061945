package io.jtls.internal.tls;

import io.jtls.error.NodeError;
import io.jtls.error.TlsException;
import io.jtls.internal.engine.EngineState;
import io.jtls.internal.engine.TlsEngine;
import io.jtls.internal.jfr.HandshakeCompletedEvent;
import io.jtls.internal.jfr.HandshakeFailedEvent;

/**
 * The JFR events of one connection's handshake ({@code io.jtls.HandshakeCompleted},
 * {@code io.jtls.HandshakeFailed}): begun when the handshake starts if a recording wants
 * either, then committed once with what the handshake established or why it failed. A
 * connection that nobody records has none (its driver holds null, or {@link #DONE} once the
 * handshake completed), so a process without a recording allocates nothing per handshake.
 * Loop thread only; {@link #failureCode} is also what a server's statistics count failures by.
 */
public final class HandshakeRecording {
    /** The handshake completed: nothing more to record (also when nothing was recorded). */
    static final HandshakeRecording DONE = new HandshakeRecording(false, false);

    private final HandshakeCompletedEvent completed; // null when that event was off at the start
    private final HandshakeFailedEvent failed;

    private HandshakeRecording(boolean completedEnabled, boolean failedEnabled) {
        this.completed = completedEnabled ? new HandshakeCompletedEvent() : null;
        this.failed = failedEnabled ? new HandshakeFailedEvent() : null;
        if (completed != null) {
            completed.begin();
        }
        if (failed != null) {
            failed.begin();
        }
    }

    /** A recording begun now, or null when no recording wants handshake events (two static reads). */
    static HandshakeRecording beginIfEnabled() {
        boolean c = HandshakeCompletedEvent.PROBE.isEnabled();
        boolean f = HandshakeFailedEvent.PROBE.isEnabled();
        return c || f ? new HandshakeRecording(c, f) : null;
    }

    /** The handshake completed and the peer passed the checks: commits {@code io.jtls.HandshakeCompleted}. */
    void completed(boolean server, TlsEngine engine, HandshakeSnapshot established, String servername, String peer) {
        HandshakeCompletedEvent event = completed;
        if (event == null || established == null) {
            return;
        }
        event.end();
        if (!event.shouldCommit()) {
            return; // below a threshold the recording set: nothing gathered
        }
        event.side = server ? "server" : "client";
        event.protocol = established.protocol();
        event.cipher = established.cipher() == null ? null : established.cipher().name();
        event.group = engine == null ? null : engine.keyExchangeGroup();
        event.resumed = established.sessionReused();
        event.serverName = servername;
        event.alpnProtocol = established.alpnProtocol();
        event.peerAddress = peer;
        event.commit();
    }

    /** True when a failure of a handshake that has {@code recording} (or null: none begun) would be recorded. */
    static boolean wantsFailure(HandshakeRecording recording) {
        return recording != null ? recording.failed != null : HandshakeFailedEvent.PROBE.isEnabled();
    }

    /**
     * Commits {@code io.jtls.HandshakeFailed} for a connection destroyed before its handshake
     * completed, on {@code recording} (null: no recording was begun, e.g. a server that never got
     * a byte; then an event is made now if one is wanted). {@code error} is null for a server's
     * peer that hung up (Node's {@code ECONNRESET "socket hang up"}); a client destroyed by its
     * application without an error is not a failure and records nothing.
     */
    static void failed(HandshakeRecording recording, boolean server, Throwable error, String stage, String servername,
                       String peer) {
        HandshakeFailedEvent event;
        if (recording != null) {
            event = recording.failed;
            if (event == null) {
                return;
            }
            event.end();
        } else {
            if (!HandshakeFailedEvent.PROBE.isEnabled()) {
                return;
            }
            event = new HandshakeFailedEvent();
        }
        if ((error == null && !server) || !event.shouldCommit()) {
            return;
        }
        event.side = server ? "server" : "client";
        event.code = failureCode(error);
        event.message = error == null ? "socket hang up" : String.valueOf(failureOf(error).getMessage());
        event.stage = stage;
        event.serverName = servername;
        event.peerAddress = peer;
        event.commit();
    }

    /**
     * Where a handshake is, for {@code io.jtls.HandshakeFailed}'s {@code stage}: connect, client-hello
     * (a server that has not read a byte), handshake, client-hello-callback (ALPNCallback,
     * resumeSession), certificate-callback (SNICallback, OCSPRequest), new-session (the handshake
     * held for 'newSession'), verify (the peer's certificate, after the handshake).
     */
    static String stage(Phase phase, EngineState engine, boolean awaitingNewSession, boolean server, long handshakeInput) {
        return switch (phase) {
            case NEW, CONNECTING -> "connect";
            case VERIFYING -> "verify";
            case AWAITING_APPLICATION -> engine == EngineState.AWAITING_CLIENT_HELLO ? "client-hello-callback"
                    : engine == EngineState.AWAITING_CERT_CALLBACK ? "certificate-callback" : "handshake";
            default -> awaitingNewSession ? "new-session" : server && handshakeInput == 0 ? "client-hello" : "handshake";
        };
    }

    /**
     * The code a handshake failure is counted under: Node's code of {@code error}, except a peer
     * certificate this side rejected, which a server reports as {@code ECONNRESET "socket hang
     * up"} with the verification error as its cause: that cause's code
     * ({@code DEPTH_ZERO_SELF_SIGNED_CERT}, ...) tells more. An error without a code counts
     * under its class's simple name; null (a peer that hung up) as {@code ECONNRESET}.
     *
     * @param error what {@code 'tlsClientError'} or {@code 'error'} reported, or null
     * @return the code, never null
     */
    public static String failureCode(Throwable error) {
        if (error == null) {
            return "ECONNRESET";
        }
        return failureOf(error) instanceof NodeError n ? n.code() : error.getClass().getSimpleName();
    }

    /** The error that says most: a hang-up's rejection cause, else the error itself. */
    private static Throwable failureOf(Throwable error) {
        if (error instanceof NodeError n && "ECONNRESET".equals(n.code()) && error.getCause() instanceof TlsException cause) {
            return cause;
        }
        return error;
    }
}
