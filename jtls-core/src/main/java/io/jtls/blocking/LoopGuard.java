package io.jtls.blocking;

import io.jtls.internal.tls.LoopThreads;
import io.jtls.net.EventLoop;

/** Refuses a blocking call on an event-loop thread: waiting there would freeze every connection of the loop. */
final class LoopGuard {
    private LoopGuard() {}

    /**
     * Throws when the current thread is {@code loop}'s (may be null) or any loop that runs TLS
     * connections; returns otherwise.
     */
    static void refuse(String call, EventLoop loop) {
        if (LoopThreads.runsConnections() || loop != null && loop.inEventLoop()) {
            throw new IllegalStateException(call + " blocks, and was called on the event-loop thread '"
                    + Thread.currentThread().getName() + "': never block a loop thread (it would stall every"
                    + " connection on it). Call it from a thread of your own, e.g. a virtual thread per connection.");
        }
    }
}
