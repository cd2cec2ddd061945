package io.jtls;

import io.jtls.context.SecureContextOptions;
import io.jtls.internal.context.NativeSecureContext;
import io.jtls.internal.context.SecureContexts;
import io.jtls.internal.engine.OptionalHook;
import io.jtls.internal.openssl.NativeLibrary;
import java.util.Objects;
import java.util.Set;

/**
 * Node's {@code SecureContext}, the result of {@link Tls#createSecureContext}: certificates,
 * keys, trust, ciphers and protocol settings, ready to be shared by any number of connections
 * and servers ({@code secureContext} option of {@code connect}, {@code server.addContext},
 * {@code SNICallback}).
 *
 * <p>It owns native memory (an OpenSSL {@code SSL_CTX}): {@link #close()} it when done, or let
 * the program end. Closing is safe while connections still use the context: each connection
 * holds its own reference and the native context is freed when the last one ends; a closed
 * context only refuses new connections. Thread-safe: one context may serve all threads.
 */
public final class SecureContext implements AutoCloseable {
    static {
        SecureContexts.register(context -> {
            if (context instanceof SecureContext secure) {
                return secure.nativeContext;
            }
            throw new IllegalArgumentException("not a SecureContext: " + context);
        });
    }

    private final NativeSecureContext nativeContext;
    private final SecureContextOptions options;

    private SecureContext(NativeSecureContext nativeContext, SecureContextOptions options) {
        this.nativeContext = nativeContext;
        this.options = options;
    }

    /** {@link Tls#createSecureContext(SecureContextOptions)}. */
    static SecureContext create(SecureContextOptions options) {
        NativeLibrary.ensureLoaded();
        SecureContextOptions o = options == null ? SecureContextOptions.DEFAULTS : options;
        return new SecureContext(NativeSecureContext.create(o), o);
    }

    /** A server's context, with only the optional hooks it uses (see {@link OptionalHook}). */
    static SecureContext create(SecureContextOptions options, Set<OptionalHook> hooks) {
        SecureContextOptions o = options == null ? SecureContextOptions.DEFAULTS : options;
        return new SecureContext(NativeSecureContext.create(o, hooks), o);
    }

    /**
     * The options this context was made from.
     *
     * @return the options this context was made from
     */
    public SecureContextOptions options() {
        return options;
    }

    /**
     * Drops the owner's reference: no new connection may use the context; connections using it
     * keep it alive until they end. Idempotent.
     */
    @Override
    public void close() {
        nativeContext.close();
    }

    /**
     * True once {@link #close()} was called.
     *
     * @return true once {@link #close()} was called
     */
    public boolean isClosed() {
        return !nativeContext.isOpen();
    }

    @Override
    public String toString() {
        return "SecureContext[" + (isClosed() ? "closed" : "open") + ", " + Objects.toString(options) + "]";
    }
}
