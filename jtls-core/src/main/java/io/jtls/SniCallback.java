package io.jtls;

import java.util.function.BiConsumer;

/**
 * Node's {@code SNICallback(servername, cb)} server option: picks the {@link SecureContext} for
 * the host name a client asked for.
 *
 * <p>Called on the connection's event-loop thread while the handshake waits. Complete it by
 * calling {@code callback.accept(null, context)} (a context for this name), {@code (null, null)}
 * (keep the server's default context) or {@code (error, null)} (the connection fails with that
 * error, reported as {@code 'tlsClientError'}). The callback may be called later and from any
 * thread: the handshake stays paused until then, or until the handshake timeout. Calling it a
 * second time destroys the socket with {@code ERR_MULTIPLE_CALLBACK}, as in Node.
 *
 * <p>Runs on the connection's event loop, which many connections share: never block in it
 * (answer later from another thread where the callback allows it; see the {@linkplain io.jtls
 * package documentation}).
 */
@FunctionalInterface
public interface SniCallback {
    /**
     * Select.
     *
     * @param servername the SNI server name
     * @param callback called when done
     */
    void select(String servername, BiConsumer<Throwable, SecureContext> callback);
}
