package io.jtls.internal.tls;

import io.jtls.internal.engine.TlsEngine;
import io.jtls.net.EventLoop;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Questions only the live engine can answer ({@code getSession}, {@code exportKeyingMaterial},
 * ...), asked from any thread by the rule of {@link LoopThreads}: directly on the connection's
 * loop; waiting from a thread that runs no connections; and from another connection loop's
 * thread not at all ({@link IllegalStateException}: waiting there could deadlock two loops that
 * ask each other), where the asynchronous form answers instead. Null once the socket is
 * destroyed.
 */
public final class LiveQueries {
    private final EventLoop loop;
    /** The live engine, or null once the connection is gone; read on the loop only. */
    private final Supplier<TlsEngine> engine;

    LiveQueries(EventLoop loop, Supplier<TlsEngine> engine) {
        this.loop = loop;
        this.engine = engine;
    }

    /** The answer, or null once the socket is destroyed. */
    public <T> T query(Function<TlsEngine, T> query) {
        if (loop.inEventLoop()) {
            return live(query);
        }
        if (LoopThreads.runsConnections()) {
            throw new IllegalStateException("a live query of a TLS socket from another event loop would block that loop:"
                    + " use the *Async method, or ask on the socket's loop()");
        }
        return LoopThreads.await(queryAsync(query));
    }

    /** The answer on the loop (null once destroyed), without waiting: any thread, another loop's included. */
    public <T> CompletableFuture<T> queryAsync(Function<TlsEngine, T> query) {
        if (loop.inEventLoop()) {
            try {
                return CompletableFuture.completedFuture(live(query));
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        return LoopThreads.on(loop, () -> live(query));
    }

    private <T> T live(Function<TlsEngine, T> query) {
        TlsEngine e = engine.get();
        return e == null ? null : query.apply(e);
    }
}
