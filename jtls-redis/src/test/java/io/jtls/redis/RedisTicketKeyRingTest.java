package io.jtls.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.redis.RedisTicketKeyRing.SyncResult;
import io.jtls.session.TicketKey;
import io.jtls.session.TicketKeyRing.Snapshot;
import io.jtls.session.TicketKeyRing;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Two {@link RedisTicketKeyRing}s, each with its own client and local ring, stand for two server
 * processes sharing one real redis-server.
 */
class RedisTicketKeyRingTest {
    private static RedisServer server;
    private static RedisClient clientA;
    private static RedisClient clientB;

    /** One clock for both "processes", moved by the test. */
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2025-06-01T00:00:00Z"));
    private final InstantSource clock = now::get;

    @BeforeAll
    static void startRedis() throws Exception {
        server = RedisServer.start();
        clientA = server.client();
        clientB = server.client();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {clientA, clientB, server}) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    private TicketKeyRing localRing() {
        return TicketKeyRing.builder().clock(clock).build(); // 12 h rotation, 24 h lifetime
    }

    private static String key(TestInfo test) {
        return "test:" + test.getTestMethod().orElseThrow().getName();
    }

    private void advance(Duration duration) {
        now.updateAndGet(t -> t.plus(duration));
    }

    @Test
    void twoProcessesShareKeysAndRotationInOneBecomesVisibleInTheOther(TestInfo test) {
        try (RedisTicketKeyRing a = RedisTicketKeyRing.builder(clientA, localRing()).key(key(test)).build();
                RedisTicketKeyRing b = RedisTicketKeyRing.builder(clientB, localRing()).key(key(test)).build()) {
            assertNotEquals(a.ring().current(), b.ring().current(), "each process starts with its own key");
            TicketKey first = a.ring().current();

            assertEquals(SyncResult.INITIALIZED, a.sync(), "nothing shared yet: A publishes its keys");
            assertEquals(SyncResult.FOLLOWED, b.sync());
            assertEquals(first, b.ring().current());
            assertEquals(SyncResult.UNCHANGED, a.sync());
            assertEquals(SyncResult.UNCHANGED, b.sync());

            advance(Duration.ofHours(12));
            assertEquals(SyncResult.ROTATED, b.sync(), "due: whoever syncs first rotates");
            TicketKey second = b.ring().current();
            assertNotEquals(first, second);
            assertEquals(first, a.ring().current(), "A has not looked yet");
            assertEquals(SyncResult.FOLLOWED, a.sync());
            assertEquals(second, a.ring().current());
            assertEquals(first, a.ring().find(first.name()), "the previous key still opens tickets on A");
            assertEquals(first, b.ring().find(first.name()), "... and on B");
            assertEquals(a.ring().snapshot(), b.ring().snapshot());
            assertEquals(1, a.ring().snapshot().generation());

            advance(Duration.ofHours(12));
            assertEquals(SyncResult.ROTATED, a.sync());
            assertEquals(SyncResult.FOLLOWED, b.sync());
            assertNull(b.ring().find(first.name()), "24 h old: retired");
            assertEquals(List.of(a.ring().current(), second),
                    b.ring().snapshot().keys().stream().map(TicketKeyRing.Entry::key).toList());

            Snapshot stored = Snapshot.fromBytes(clientA.get(key(test).getBytes(StandardCharsets.UTF_8)));
            assertEquals(a.ring().snapshot(), stored, "Redis holds the snapshot's binary form");
            assertTrue(!clientA.exists(key(test) + ":lock"), "the rotation lock was released");
        }
    }

    @Test
    void processesDueTogetherRotateOnce(TestInfo test) throws Exception {
        int processes = 6;
        List<RedisClient> clients = new java.util.ArrayList<>();
        List<RedisTicketKeyRing> rings = new java.util.ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(processes);
        try {
            for (int i = 0; i < processes; i++) {
                RedisClient client = server.client();
                clients.add(client);
                rings.add(RedisTicketKeyRing.builder(client, localRing()).key(key(test)).build());
            }
            rings.getFirst().sync();
            advance(Duration.ofHours(13));
            CountDownLatch go = new CountDownLatch(1);
            List<Future<SyncResult>> results = new java.util.ArrayList<>();
            for (RedisTicketKeyRing ring : rings) {
                results.add(pool.submit(() -> {
                    go.await();
                    return ring.sync();
                }));
            }
            go.countDown();
            int rotations = 0;
            for (Future<SyncResult> result : results) {
                if (result.get(10, TimeUnit.SECONDS) == SyncResult.ROTATED) {
                    rotations++;
                }
            }
            assertEquals(1, rotations, "the lock lets one process rotate");
            for (RedisTicketKeyRing ring : rings) {
                ring.sync();
            }
            for (RedisTicketKeyRing ring : rings) {
                assertEquals(rings.getFirst().ring().snapshot(), ring.ring().snapshot());
                assertEquals(1, ring.ring().snapshot().generation());
            }
        } finally {
            pool.shutdownNow();
            rings.forEach(RedisTicketKeyRing::close);
            clients.forEach(RedisClient::close);
        }
    }

    @Test
    void followersNeverRotate(TestInfo test) {
        try (RedisTicketKeyRing follower = RedisTicketKeyRing.builder(clientA, localRing()).key(key(test))
                        .mayRotate(false).build();
                RedisTicketKeyRing leader = RedisTicketKeyRing.builder(clientB, localRing()).key(key(test)).build()) {
            assertEquals(SyncResult.UNCHANGED, follower.sync(), "a follower does not publish");
            assertNull(clientA.get(key(test).getBytes(StandardCharsets.UTF_8)));
            leader.sync();
            advance(Duration.ofHours(30));
            assertEquals(SyncResult.FOLLOWED, follower.sync());
            assertEquals(SyncResult.UNCHANGED, follower.sync(), "due, but it waits for the leader");
            TicketKey old = follower.ring().current();
            assertEquals(SyncResult.ROTATED, leader.sync());
            assertEquals(SyncResult.FOLLOWED, follower.sync());
            assertNotEquals(old, follower.ring().current());
        }
    }

    @Test
    void rotateNowAndScheduledPollingPropagateToListeners(TestInfo test) throws Exception {
        try (RedisTicketKeyRing a = RedisTicketKeyRing.builder(clientA, localRing()).key(key(test))
                        .pollInterval(Duration.ofMillis(20)).build();
                RedisTicketKeyRing b = RedisTicketKeyRing.builder(clientB, localRing()).key(key(test))
                        .pollInterval(Duration.ofMillis(20)).build()) {
            a.sync();
            LinkedBlockingQueue<Snapshot> seenByB = new LinkedBlockingQueue<>();
            b.ring().addListener(seenByB::add); // what a server does to push keys to OpenSSL
            b.start();
            assertEquals(a.ring().snapshot(), seenByB.poll(5, TimeUnit.SECONDS));

            Snapshot rotated = a.rotateNow(); // not due: forced
            assertEquals(rotated, a.ring().snapshot());
            assertEquals(rotated, seenByB.poll(5, TimeUnit.SECONDS));
            assertEquals(rotated.current(), b.ring().current());
            assertArrayEquals(a.ring().getTicketKeys(), b.ring().getTicketKeys(), "Node's getTicketKeys agrees");
        }
    }

    @Test
    void fetchAndPublishAreTheSharedSource(TestInfo test) {
        try (RedisTicketKeyRing a = RedisTicketKeyRing.builder(clientA, localRing()).key(key(test)).build();
                RedisTicketKeyRing b = RedisTicketKeyRing.builder(clientB, localRing()).key(key(test)).build()) {
            assertNull(a.fetch().toCompletableFuture().join());
            Snapshot installed = Snapshot.of(TicketKey.generate(), now.get());
            a.publish(installed).toCompletableFuture().join();
            assertEquals(installed, b.fetch().toCompletableFuture().join());
            assertEquals(SyncResult.FOLLOWED, b.sync());
            assertEquals(installed.current(), b.ring().current());
        }
    }

    @Test
    void aForeignValueIsNeverOverwritten(TestInfo test) {
        byte[] redisKey = key(test).getBytes(StandardCharsets.UTF_8);
        clientA.set(redisKey, "not a snapshot".getBytes(StandardCharsets.UTF_8));
        try (RedisTicketKeyRing a = RedisTicketKeyRing.builder(clientA, localRing()).key(key(test)).build()) {
            TicketKey before = a.ring().current();
            assertThrows(IllegalArgumentException.class, a::sync);
            assertSame(before, a.ring().current());
            assertArrayEquals("not a snapshot".getBytes(StandardCharsets.UTF_8), clientA.get(redisKey));
        }
    }

    @Test
    void anUnreachableRedisLeavesTheLocalKeysInPlace() throws Exception {
        RedisServer doomed = RedisServer.start();
        LinkedBlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
        try (RedisClient client = doomed.client();
                RedisTicketKeyRing a = RedisTicketKeyRing.builder(client, localRing())
                        .pollInterval(Duration.ofMillis(20)).onError(errors::add).build()) {
            assertEquals(SyncResult.INITIALIZED, a.sync());
            TicketKey current = a.ring().current();
            doomed.close();
            long start = System.nanoTime();
            assertThrows(JedisException.class, a::sync);
            CompletionException failed = assertThrows(CompletionException.class,
                    () -> a.fetch().toCompletableFuture().orTimeout(5, TimeUnit.SECONDS).join());
            assertInstanceOf(JedisException.class, failed.getCause());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(3), "fails fast");
            a.start();
            assertInstanceOf(JedisException.class, errors.poll(5, TimeUnit.SECONDS), "scheduled syncs report errors");
            assertInstanceOf(JedisException.class, errors.poll(5, TimeUnit.SECONDS), "... and go on");
            assertSame(current, a.ring().current());
        } finally {
            doomed.close();
        }
    }
}
