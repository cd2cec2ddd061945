package io.jtls.internal.tls;

/**
 * Node's client-initiated renegotiation limit ({@code onhandshakestart} in
 * {@code lib/_tls_wrap.js}): more than {@code limit} renegotiations within {@code windowSeconds}
 * of each other is an attack ({@code ERR_TLS_SESSION_ATTACK}). As in Node, each renegotiation
 * less than a window after the previous one adds one; one after a full window starts the count
 * again at one. The first handshake is not counted.
 */
public final class RenegotiationLimit {
    private final int limit;
    private final long windowNanos;
    private long lastNanos;
    private int handshakes;
    private boolean any;

    public RenegotiationLimit(int limit, int windowSeconds) {
        this.limit = limit;
        this.windowNanos = windowSeconds * 1_000_000_000L;
    }

    /** Records a renegotiation starting at {@code nowNanos}; true when it exceeds the limit. */
    public boolean exceededBy(long nowNanos) {
        if (any && nowNanos - lastNanos < windowNanos) {
            handshakes++;
        } else {
            handshakes = 1;
        }
        any = true;
        lastNanos = nowNanos;
        return handshakes > limit;
    }
}
