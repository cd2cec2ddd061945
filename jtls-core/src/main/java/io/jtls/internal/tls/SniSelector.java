package io.jtls.internal.tls;

import io.jtls.internal.context.NativeSecureContext;
import java.util.function.BiConsumer;

/**
 * A server's {@code SNICallback} seen from below: picks the context for a server name, now or
 * later, from any thread; {@code (null, null)} keeps the default context. The facade adapts the
 * public {@code SniCallback}.
 */
@FunctionalInterface
public interface SniSelector {
    void select(String servername, BiConsumer<Throwable, NativeSecureContext> callback);
}
