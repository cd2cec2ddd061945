package io.jtls.internal.tls;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * The rule for questions asked of a connection's loop from other threads. A thread that runs
 * TLS connections (an event loop on which a connection started) never waits for another loop:
 * two such loops waiting on each other's connections would deadlock (a proxy whose handler on
 * loop A reads a socket of loop B while B's handler reads one of A). Any other thread may wait.
 *
 * <p>Marking is enough for deadlock freedom: a wait for loop B can only be answered once B runs
 * the question, and a loop is marked by the first connection that starts on it, before any of
 * its connections can be asked anything that waits.
 */
public final class LoopThreads {
    private static final ThreadLocal<Boolean> RUNS_CONNECTIONS = new ThreadLocal<>();

    private LoopThreads() {}

    /** The current thread runs TLS connections: it must never wait for another loop. */
    static void markCurrent() {
        if (RUNS_CONNECTIONS.get() == null) {
            RUNS_CONNECTIONS.set(Boolean.TRUE);
        }
    }

    /** True when the current thread runs TLS connections. */
    public static boolean runsConnections() {
        return RUNS_CONNECTIONS.get() != null;
    }

    /** Waits for {@code future}, unwrapping the cause of a failure. Not for loop threads. */
    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    /** Runs {@code task} on {@code loop} and completes the future with its result there. */
    static <T> CompletableFuture<T> on(java.util.concurrent.Executor loop, Supplier<T> task) {
        return CompletableFuture.supplyAsync(task, loop);
    }
}
