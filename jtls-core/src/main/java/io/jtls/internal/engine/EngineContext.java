package io.jtls.internal.engine;

import java.lang.foreign.MemorySegment;

/**
 * What an engine needs of the context it is made from ({@code NativeSecureContext} is the one
 * implementation): the frozen {@code SSL_CTX}, a reference that keeps it alive while the
 * connection lives, and what a server copies into a connection when SNI picks this context.
 *
 * <p>The engine takes a reference ({@link #retain()}) before {@code SSL_new} and drops it
 * ({@link #release()}) after {@code SSL_free}, whether the engine was closed or collected.
 */
public interface EngineContext {
    /** The {@code SSL_CTX*}, valid while a reference is held; never configured again after it was built. */
    MemorySegment sslCtx();

    /**
     * Takes a reference.
     *
     * @throws IllegalStateException when the owner already closed the context
     */
    EngineContext retain();

    /** Drops a reference from {@link #retain()}. */
    void release();

    /** The certificates, keys and chains, trust store and client CA list, for {@link TlsEngine#useSniContext}. */
    SniMaterial sniMaterial();
}
