package io.jtls.internal.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.support.OnNewThread;
import java.lang.ref.Reference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The id table behind the engine and context registries: ids made on different threads come
 * from different shards (no lock shared between event loops), every id is found from any
 * thread, removed ids (also removed on another thread, as the Cleaner does) find nothing and
 * come back, and ids that were never handed out find nothing.
 */
class WeakIdTableTest {
    @Test
    void eachThreadAddsToItsOwnShardAndEveryIdIsFoundEverywhere() throws Exception {
        WeakIdTable<Object> table = new WeakIdTable<>();
        Object a = new Object();
        Object b = new Object();
        int idA = table.add(a);
        int idB = OnNewThread.call(() -> table.add(b));
        assertEquals(2, table.shardCount(), "one shard per adding thread");
        assertNotEquals(idA >>> 23, idB >>> 23, "the two ids name different shards");
        assertSame(a, table.lookup(idA));
        assertSame(b, table.lookup(idB));
        assertSame(a, OnNewThread.call(() -> table.lookup(idA)), "found from a thread that did not add it");
        assertEquals(2, table.liveCount());
    }

    @Test
    void removedIdsFindNothingAndAreReusedByTheirShard() throws Exception {
        WeakIdTable<Object> table = new WeakIdTable<>();
        Object first = new Object();
        int id = table.add(first);
        OnNewThread.call(() -> {
            table.remove(id); // another thread frees it, as the Cleaner or a handed-over engine does
            return null;
        });
        assertNull(table.lookup(id));
        assertEquals(0, table.liveCount());
        table.remove(id); // idempotent
        assertEquals(0, table.liveCount());
        Object second = new Object();
        assertEquals(id, table.add(second), "the free slot is handed out again on its own shard");
        assertSame(second, table.lookup(id));
    }

    @Test
    void idsNeverHandedOutFindNothing() {
        WeakIdTable<Object> table = new WeakIdTable<>();
        int id = table.add(new Object[0]);
        assertTrue(id > 0);
        for (long bogus : new long[] {0, -1, id + 1, (long) (5 << 23) | 1, 1L << 40, Long.MIN_VALUE}) {
            assertNull(table.lookup(bogus), "id " + bogus);
        }
        table.remove(0);
        table.remove(-7);
        table.remove(200 << 23 | 3);
        assertEquals(1, table.liveCount());
    }

    @Test
    void anObjectNobodyHoldsIsNotPinned() throws Exception {
        WeakIdTable<Object> table = new WeakIdTable<>();
        int id = table.add(new byte[1024]);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (table.lookup(id) != null) {
            assertTrue(System.nanoTime() < deadline, "the table kept its object reachable");
            System.gc();
            Thread.sleep(10);
        }
        table.remove(id); // its owner's cleanup still releases the id
        assertEquals(0, table.liveCount());
    }

    @Test
    void threadsPastTheShardLimitShareShardsAndStillFindEverything() throws Exception {
        WeakIdTable<Object> table = new WeakIdTable<>();
        int threads = WeakIdTable.MAX_SHARDS + 40;
        Object[] objects = new Object[threads];
        int[] ids = new int[threads];
        for (int t = 0; t < threads; t++) {
            int k = t;
            objects[k] = new Object();
            Thread thread = Thread.ofPlatform().start(() -> ids[k] = table.add(objects[k]));
            thread.join();
        }
        assertEquals(WeakIdTable.MAX_SHARDS, table.shardCount());
        Set<Integer> distinct = new HashSet<>();
        for (int t = 0; t < threads; t++) {
            assertTrue(distinct.add(ids[t]), "id " + ids[t] + " handed out twice");
            assertSame(objects[t], table.lookup(ids[t]));
        }
        for (int t = 0; t < threads; t += 2) {
            table.remove(ids[t]);
        }
        for (int t = 0; t < threads; t++) {
            if (t % 2 == 0) {
                assertNull(table.lookup(ids[t]));
            } else {
                assertSame(objects[t], table.lookup(ids[t]));
            }
        }
        assertEquals(threads / 2, table.liveCount());
    }

    @Test
    void manyThreadsAddAndRemoveAtOnceWithUniqueIds() throws Exception {
        WeakIdTable<Object> table = new WeakIdTable<>();
        int threads = 8;
        int perThread = 5_000;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<Integer>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    start.await();
                    List<Object> held = new ArrayList<>();
                    List<Integer> ids = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        Object o = new Object();
                        held.add(o);
                        int id = table.add(o);
                        ids.add(id);
                        if (table.lookup(id) != o) {
                            throw new AssertionError("id " + id + " does not find its object");
                        }
                    }
                    for (int i = 0; i < perThread; i += 2) {
                        table.remove(ids.get(i));
                    }
                    for (int i = 1; i < perThread; i += 2) {
                        if (table.lookup(ids.get(i)) != held.get(i)) {
                            throw new AssertionError("id " + ids.get(i) + " lost its object");
                        }
                    }
                    List<Integer> kept = new ArrayList<>();
                    for (int i = 1; i < perThread; i += 2) {
                        kept.add(ids.get(i));
                    }
                    Reference.reachabilityFence(held);
                    return kept;
                }));
            }
            Set<Integer> live = new HashSet<>();
            for (Future<List<Integer>> f : results) {
                for (int id : f.get()) {
                    assertTrue(live.add(id), "id " + id + " handed out twice");
                }
            }
            assertEquals(threads * perThread / 2, live.size());
            assertEquals(threads * perThread / 2, table.liveCount());
            for (int id : live) {
                table.remove(id); // all from this thread: removal works on any shard
            }
            assertEquals(0, table.liveCount());
        } finally {
            pool.shutdown();
        }
    }
}
