package io.jtls.internal.context;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The way internal packages reach the {@link NativeSecureContext} inside a public
 * {@code io.jtls.SecureContext}, without making it public API (the JDK's {@code SharedSecrets}
 * pattern): {@code SecureContext} registers the accessor in its static initializer. Typed on
 * {@code Object} so that this package, below the public API, never names the public class.
 *
 * <pre>{@code
 * NativeSecureContext ctx = SecureContexts.nativeOf(secureContext).retain();
 * MemorySegment ssl = SslCalls.SSL_new(ctx.sslCtx());
 * ... SSL_free(ssl); ctx.release();
 * }</pre>
 */
public final class SecureContexts {
    private SecureContexts() {}

    private static volatile Function<Object, NativeSecureContext> accessor;

    /** Called once, by {@code SecureContext}'s static initializer. */
    public static void register(Function<Object, NativeSecureContext> access) {
        Objects.requireNonNull(access, "access");
        synchronized (SecureContexts.class) {
            if (accessor != null) {
                throw new IllegalStateException("SecureContext accessor already registered");
            }
            accessor = access;
        }
    }

    /** Node's {@code tls.getCiphers()}, for {@code Tls}. */
    public static List<String> supportedCiphers() {
        return CipherList.supportedCiphers();
    }

    /**
     * The native context of a public one (a {@code SecureContext} instance exists, so its class
     * has registered the accessor).
     */
    public static NativeSecureContext nativeOf(Object context) {
        Objects.requireNonNull(context, "context");
        return accessor.apply(context);
    }
}
