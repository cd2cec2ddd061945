package io.jtls.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InMemorySessionStoreTest {
    private static final Duration TTL = Duration.ofSeconds(300);

    private static byte[] id(int n) {
        return ByteBuffer.allocate(4).putInt(n).array();
    }

    private static byte[] get(SessionStore store, byte[] id) {
        return store.get(id).toCompletableFuture().join();
    }

    @Test
    void storesAndReturnsCopies() {
        InMemorySessionStore store = InMemorySessionStore.create();
        byte[] id = {1, 2, 3};
        byte[] data = "session".getBytes(StandardCharsets.US_ASCII);
        store.put(id, data, TTL).toCompletableFuture().join();
        id[0] = 9; // the caller reuses its buffers: the store kept copies
        data[0] = 'X';
        byte[] got = get(store, new byte[] {1, 2, 3});
        assertArrayEquals("session".getBytes(StandardCharsets.US_ASCII), got);
        got[0] = 'Y';
        assertArrayEquals("session".getBytes(StandardCharsets.US_ASCII), get(store, new byte[] {1, 2, 3}));
        assertNotSame(get(store, new byte[] {1, 2, 3}), get(store, new byte[] {1, 2, 3}));
        assertNull(get(store, new byte[] {9, 2, 3}));
    }

    @Test
    void idsAreComparedAsBytes() {
        InMemorySessionStore store = InMemorySessionStore.create();
        byte[] binary = new byte[32];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) (0xFF - i * 7); // not valid UTF-8
        }
        store.put(binary, new byte[] {1}, TTL);
        store.put(new byte[] {0}, new byte[] {2}, TTL);
        store.put(new byte[] {0, 0}, new byte[] {3}, TTL);
        assertArrayEquals(new byte[] {1}, get(store, binary.clone()));
        assertArrayEquals(new byte[] {2}, get(store, new byte[] {0}));
        assertArrayEquals(new byte[] {3}, get(store, new byte[] {0, 0}));
        assertNull(get(store, new byte[0]));
    }

    @Test
    void evictsTheLeastRecentlyUsedEntryAtCapacity() {
        InMemorySessionStore store = InMemorySessionStore.builder().capacity(3).build();
        store.put(id(1), id(1), TTL);
        store.put(id(2), id(2), TTL);
        store.put(id(3), id(3), TTL);
        get(store, id(1)); // 1 is now the most recently used; 2 the least
        store.put(id(3), id(33), TTL); // replacing is a use, not a new entry
        store.put(id(4), id(4), TTL);
        assertEquals(3, store.size());
        assertNull(get(store, id(2)));
        assertArrayEquals(id(1), get(store, id(1)));
        assertArrayEquals(id(33), get(store, id(3)));
        assertArrayEquals(id(4), get(store, id(4)));
        for (int i = 100; i < 200; i++) {
            store.put(id(i), id(i), TTL);
        }
        assertEquals(3, store.size());
        InMemorySessionStore.Stats stats = store.stats();
        assertEquals(1 + 100, stats.evictions());
        assertEquals(3, stats.size());
    }

    @Test
    void entriesExpireAfterTheirOwnTtl() {
        FakeClock clock = new FakeClock();
        InMemorySessionStore store = InMemorySessionStore.builder().clock(clock).build();
        store.put(id(1), id(1), Duration.ofSeconds(10));
        store.put(id(2), id(2), Duration.ofSeconds(60));
        store.put(id(3), id(3), Duration.ofSeconds(60));
        clock.advance(Duration.ofMillis(9_999));
        assertArrayEquals(id(1), get(store, id(1)));
        clock.advance(Duration.ofMillis(1));
        assertNull(get(store, id(1)), "an entry is gone once exactly ttl old");
        assertArrayEquals(id(2), get(store, id(2)));
        assertEquals(2, store.size(), "the expired entry was dropped when seen");
        clock.advance(Duration.ofSeconds(50));
        assertEquals(2, store.size());
        assertEquals(2, store.purgeExpired());
        assertEquals(0, store.size());
        InMemorySessionStore.Stats stats = store.stats();
        assertEquals(new InMemorySessionStore.Stats(2, 1, 0, 3, 0), stats);
        assertEquals(2.0 / 3, stats.hitRatio(), 1e-9);
    }

    @Test
    void countsHitsAndMisses() {
        InMemorySessionStore store = InMemorySessionStore.create();
        assertEquals(0, store.stats().hitRatio());
        store.put(id(1), id(1), TTL);
        get(store, id(1));
        get(store, id(1));
        get(store, id(2));
        store.remove(id(1)).toCompletableFuture().join();
        get(store, id(1));
        assertEquals(new InMemorySessionStore.Stats(2, 2, 0, 0, 0), store.stats());
    }

    @Test
    void rejectsProgrammingErrorsAtOnce() {
        InMemorySessionStore store = InMemorySessionStore.create();
        assertThrows(IllegalArgumentException.class, () -> store.put(id(1), id(1), Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> store.put(id(1), id(1), Duration.ofSeconds(-1)));
        assertThrows(NullPointerException.class, () -> store.put(null, id(1), TTL));
        assertThrows(NullPointerException.class, () -> store.put(id(1), null, TTL));
        assertThrows(NullPointerException.class, () -> store.get(null));
        assertThrows(IllegalArgumentException.class, () -> InMemorySessionStore.builder().capacity(0));
        // a ttl too long for the calendar never expires instead of overflowing
        store.put(id(1), id(1), Duration.ofSeconds(Long.MAX_VALUE)).toCompletableFuture().join();
        assertArrayEquals(id(1), get(store, id(1)));
    }

    @Test
    void manyThreadsPutAndGetWithinTheBound() throws Exception {
        int threads = 8;
        int perThread = 20_000;
        int capacity = 1_000;
        InMemorySessionStore store = InMemorySessionStore.builder().capacity(capacity).build();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<long[]>> results = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    start.await();
                    long hits = 0;
                    long lookups = 0;
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (int i = 0; i < perThread; i++) {
                        int key = random.nextInt(2_000);
                        if (random.nextBoolean()) {
                            store.put(id(key), id(key), TTL);
                        } else {
                            byte[] got = get(store, id(key));
                            lookups++;
                            if (got != null) {
                                hits++;
                                // whatever thread wrote it, an id maps to its own value
                                assertArrayEquals(id(key), got, "thread " + thread);
                            }
                        }
                    }
                    return new long[] {hits, lookups};
                }));
            }
            start.countDown();
            long hits = 0;
            long lookups = 0;
            for (Future<long[]> result : results) {
                long[] counts = result.get(30, TimeUnit.SECONDS);
                hits += counts[0];
                lookups += counts[1];
            }
            InMemorySessionStore.Stats stats = store.stats();
            assertEquals(hits, stats.hits());
            assertEquals(lookups, stats.hits() + stats.misses());
            assertTrue(stats.size() <= capacity, "size " + stats.size());
            assertTrue(stats.evictions() > 0);
            assertTrue(hits > 0);
        } finally {
            pool.shutdownNow();
        }
    }
}
