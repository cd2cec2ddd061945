package io.jtls.internal.tls;

import io.jtls.internal.context.NativeSecureContext;
import java.util.function.BiConsumer;

/**
 * What a server-side connection asks of the server it was accepted by (Node's
 * {@code tls.Server}): the session callbacks and the server's events. Implemented by
 * {@code io.jtls.TlsServer} for each connection; called on the connection's loop.
 */
public interface ServerHooks {
    /** True when the server has a {@code 'newSession'} or {@code 'resumeSession'} listener now. */
    boolean sessionCallbacks();

    /** True when the server has a {@code 'resumeSession'} listener now. */
    boolean resumeSessionListened();

    /** {@code 'newSession'}; false when nobody heard it (then {@code done} is not called). */
    boolean newSession(byte[] id, byte[] data, Runnable done);

    /**
     * {@code 'resumeSession'}; false when nobody heard it. {@code callback} may be called from any
     * thread, any time, with {@code (error, null)}, {@code (null, data)} or {@code (null, null)}.
     */
    boolean resumeSession(byte[] id, BiConsumer<Throwable, byte[]> callback);

    /** {@code 'secureConnection'} for this connection. */
    void secureConnection();

    /** {@code 'tlsClientError'} for this connection (already being destroyed). */
    void clientError(Throwable error);

    /** True when the server has an {@code 'OCSPRequest'} listener now. */
    default boolean ocspRequestListened() {
        return false;
    }

    /**
     * {@code 'OCSPRequest'} with the certificate and issuer of {@code sniContext} (the context
     * the SNICallback chose) or, when null, of the connection's own context; false when nobody
     * heard it. {@code callback} may be called from any thread, any time, with
     * {@code (error, null)}, {@code (null, response)} or {@code (null, null)}.
     */
    default boolean ocspRequest(NativeSecureContext sniContext, BiConsumer<Throwable, byte[]> callback) {
        return false;
    }
}
