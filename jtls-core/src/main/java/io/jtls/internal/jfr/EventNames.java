package io.jtls.internal.jfr;

/** The names jtls's Flight Recorder events carry, for {@code jfr print --events} and {@code RecordingStream.enable}. */
public final class EventNames {
    private EventNames() {
    }

    /** Every jtls event's name starts with this. */
    public static final String PREFIX = "io" + ".jtls."; // split: a package name in a string is no dependency

    /** {@link HandshakeCompletedEvent}. */
    public static final String HANDSHAKE_COMPLETED = PREFIX + "HandshakeCompleted";
    /** {@link HandshakeFailedEvent}. */
    public static final String HANDSHAKE_FAILED = PREFIX + "HandshakeFailed";
    /** {@link SessionStoreGetEvent}. */
    public static final String SESSION_STORE_GET = PREFIX + "SessionStoreGet";
    /** {@link SessionStorePutEvent}. */
    public static final String SESSION_STORE_PUT = PREFIX + "SessionStorePut";
    /** {@link TicketKeyChangeEvent}. */
    public static final String TICKET_KEY_ROTATION = PREFIX + "TicketKeyRotation";
}
