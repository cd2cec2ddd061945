package io.jtls.internal.tls;

/** The outgoing direction of a connection. */
public enum WriteSide {
    /** The application may write. */
    OPEN,
    /** {@code end()} was called: close_notify follows the last queued write once data may flow. */
    ENDING,
    /** close_notify is queued and the transport's half-close requested: shutdown has begun. */
    SHUTDOWN
}
