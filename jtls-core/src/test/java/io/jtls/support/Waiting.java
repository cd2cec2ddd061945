package io.jtls.support;

import io.jtls.net.EventEmitter;
import io.jtls.net.EventLoop;
import io.jtls.net.Server;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Waiting with a deadline, as every test of the asynchronous API does: for a future, for a
 * condition, for a server to listen or to close. Each test family keeps its own timeout and
 * passes it in.
 */
public final class Waiting {
    private Waiting() {}

    /** The future's value, or an AssertionError when it failed or did not complete in time. */
    public static <T> T await(CompletableFuture<T> future, Duration timeout) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("timed out or failed: " + e, e);
        }
    }

    /** Polls {@code condition} every 5 ms until it holds, or fails after {@code timeout}. */
    public static void eventually(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never happened: " + what);
            }
            sleep(Duration.ofMillis(5));
        }
    }

    /**
     * Returns after {@code loop} has made {@code turns} full turns from now, each with a poll of
     * its channels: the barrier for "nothing happened". Whatever was already readable when this
     * was called has been handled, and the tasks those handlers queued have run. (A turn runs due
     * timers, then polls its channels, then runs queued tasks: a task that schedules a zero-delay
     * timer that queues a task comes back after the next poll.)
     */
    public static void loopTurns(EventLoop loop, int turns, Duration timeout) {
        for (int i = 0; i < turns; i++) {
            CompletableFuture<Void> turned = new CompletableFuture<>();
            loop.execute(() -> loop.schedule(Duration.ZERO, () -> loop.execute(() -> turned.complete(null))));
            await(turned, timeout);
        }
    }

    public static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Starts {@code server} on 127.0.0.1, port 0; returns the port it got. */
    public static int listen(Server server, Duration timeout) {
        CompletableFuture<Integer> port = new CompletableFuture<>();
        server.once(EventEmitter.ERROR, port::completeExceptionally);
        server.listen(0, "127.0.0.1", () -> port.complete(server.address().port()));
        return await(port, timeout);
    }

    /** Closes {@code server} and waits for its 'close'. */
    public static void close(Server server, Duration timeout) {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        server.close(e -> closed.complete(null));
        await(closed, timeout);
    }
}
