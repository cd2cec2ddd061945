package io.jtls.net;

import static io.jtls.net.NetTesting.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.support.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventLoopTest {
    private final EventLoop loop = new EventLoop("test-loop");

    @AfterEach
    void stop() throws InterruptedException {
        loop.shutdown();
        assertTrue(loop.awaitTermination(Duration.ofSeconds(5)));
    }

    @Test
    void tasksFromManyThreadsRunOnTheLoopInSubmissionOrderPerThread() throws Exception {
        int threads = 4;
        int tasksEach = 10_000;
        List<List<Integer>> seen = new ArrayList<>();
        for (int t = 0; t < threads; t++) seen.add(new ArrayList<>()); // only the loop thread appends
        AtomicInteger offLoop = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(threads * tasksEach);
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread.ofPlatform().start(() -> {
                for (int i = 0; i < tasksEach; i++) {
                    int n = i;
                    loop.execute(() -> {
                        if (!loop.inEventLoop()) offLoop.incrementAndGet();
                        seen.get(id).add(n);
                        done.countDown();
                    });
                }
            });
        }
        assertTrue(done.await(10, TimeUnit.SECONDS));
        assertEquals(0, offLoop.get());
        CompletableFuture<Boolean> ordered = new CompletableFuture<>();
        loop.execute(() -> ordered.complete(seen.stream().allMatch(list -> {
            for (int i = 0; i < list.size(); i++) if (list.get(i) != i) return false;
            return list.size() == tasksEach;
        })));
        assertTrue(await(ordered));
        assertFalse(loop.inEventLoop());
    }

    @Test
    void timersFireInDeadlineOrderWhenTheirClockSaysAndCanBeCancelled() {
        try (ManualClock clock = new ManualClock()) {
            EventLoop manual = clock.loop("manual");
            List<String> fired = new CopyOnWriteArrayList<>();
            long start = manual.nanoTime();
            manual.schedule(Duration.ofMillis(60), () -> fired.add("60"));
            manual.schedule(Duration.ofMillis(20), () -> fired.add("20"));
            Timer cancelled = manual.schedule(Duration.ofMillis(40), () -> fired.add("40"));
            manual.schedule(Duration.ofMillis(20), () -> fired.add("20 again")); // FIFO among equal deadlines
            assertTrue(cancelled.cancel());
            assertFalse(cancelled.cancel());
            clock.advance(Duration.ofMillis(19));
            assertEquals(List.of(), fired);
            clock.advance(Duration.ofMillis(1));
            assertEquals(List.of("20", "20 again"), fired);
            clock.advance(Duration.ofMillis(39));
            assertEquals(List.of("20", "20 again"), fired, "the cancelled 40 ms timer never runs");
            clock.advance(Duration.ofMillis(1));
            assertEquals(List.of("20", "20 again", "60"), fired);
            assertEquals(TimeUnit.MILLISECONDS.toNanos(60), manual.nanoTime() - start, "loop.nanoTime() is its clock");
        }
    }

    @Test
    void loopsRunOnTheSystemClockByDefault() {
        assertSame(LoopClock.system(), loop.clock());
        long before = System.nanoTime();
        long now = loop.nanoTime();
        assertTrue(now - before >= 0 && System.nanoTime() - now >= 0, "System.nanoTime() itself");
        CompletableFuture<Long> fired = new CompletableFuture<>();
        loop.schedule(Duration.ofMillis(1), () -> fired.complete(loop.nanoTime() - now));
        assertTrue(await(fired) >= TimeUnit.MILLISECONDS.toNanos(1), "not before its deadline");
    }

    @Test
    void cancellingOnTheLoopRemovesTheTimer() {
        try (ManualClock clock = new ManualClock()) {
            EventLoop manual = clock.loop("cancel");
            List<String> ran = new CopyOnWriteArrayList<>();
            CompletableFuture<Void> scheduled = new CompletableFuture<>();
            manual.execute(() -> {
                manual.schedule(Duration.ofMillis(10), () -> ran.add("cancelled")).cancel();
                manual.schedule(Duration.ofMillis(50), () -> ran.add("kept"));
                scheduled.complete(null);
            });
            await(scheduled);
            clock.advance(Duration.ofMillis(50));
            assertEquals(List.of("kept"), ran);
        }
    }

    @Test
    void aThrowingTaskDoesNotKillTheLoop() {
        loop.execute(() -> {
            throw new IllegalStateException("task bug (expected in this test)");
        });
        CompletableFuture<Boolean> after = new CompletableFuture<>();
        loop.execute(() -> after.complete(true));
        assertTrue(await(after));
    }

    @Test
    void aShutDownLoopRefusesTasks() throws Exception {
        loop.shutdown();
        assertTrue(loop.awaitTermination(Duration.ofSeconds(5)));
        assertThrows(RejectedExecutionException.class, () -> loop.execute(() -> { }));
    }

    @Test
    void defaultGroupHasOneDaemonLoopPerCore() throws Exception {
        EventLoopGroup group = EventLoopGroup.defaultGroup();
        assertEquals(Runtime.getRuntime().availableProcessors(), group.loops().size());
        CompletableFuture<Boolean> daemon = new CompletableFuture<>();
        group.next().execute(() -> daemon.complete(Thread.currentThread().isDaemon()));
        assertTrue(await(daemon));
        assertThrows(UnsupportedOperationException.class, group::shutdown);
    }
}
