package io.jtls.internal.tls;

/** The incoming direction of a connection, after the handshake. */
public enum ReadSide {
    /** Plaintext may still arrive. */
    OPEN,
    /** The peer finished (close_notify, or the transport ended); {@code 'end'} not pushed yet. */
    EOF,
    /** {@code 'end'} was pushed to the stream. */
    ENDED
}
