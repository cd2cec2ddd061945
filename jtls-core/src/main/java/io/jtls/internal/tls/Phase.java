package io.jtls.internal.tls;

/**
 * Where a TLS connection is in its life: one value instead of a set of flags. The two
 * directions close on their own after the handshake and are tracked apart ({@link ReadSide},
 * {@link WriteSide}), as TLS closes each direction with its own close_notify.
 *
 * <pre>
 * NEW -> CONNECTING -> HANDSHAKING <-> AWAITING_APPLICATION
 *                          |
 *                      VERIFYING -> OPEN
 * any -> CLOSING (transport gone after shutdown began: 'end', then 'close') -> CLOSED
 * any -> CLOSED (destroyed)
 * </pre>
 */
public enum Phase {
    /** Built; the transport is not ours yet. */
    NEW,
    /** The transport is ours but still connecting. */
    CONNECTING,
    /** The engine is handshaking: ciphertext in, ciphertext out. */
    HANDSHAKING,
    /**
     * The handshake waits for the application ({@code SNICallback}, {@code 'resumeSession'}):
     * the transport is paused, nothing more is read until the answer.
     */
    AWAITING_APPLICATION,
    /** The handshake completed; the policy checks the peer ('secure' listeners run here). */
    VERIFYING,
    /** Verified: application data flows. */
    OPEN,
    /** The transport failed after shutdown began: the input ends quietly, then the socket closes. */
    CLOSING,
    /** Destroyed; the engine is freed (or about to be, later in this loop turn). */
    CLOSED;

    /** True once the handshake completed (Node's {@code _secureEstablished}), until the end. */
    public boolean established() {
        return this == VERIFYING || this == OPEN;
    }
}
