package io.jtls.internal.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jtls.support.OnNewThread;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The one answer to "which shard does this thread use" behind the sharded table, the sharded
 * map and the striped reference count: a thread keeps its shard, the first threads get one each
 * (event loops never share while there are fewer than the capacity), later ones share them
 * round-robin, and a shard is made once, for the thread that first needs it.
 */
class ThreadShardsTest {
    /** A shard that remembers its number and the thread it was made for. */
    record Made(int index, Thread forThread) {}

    private static ThreadShards<Made> shards(int capacity, AtomicInteger made) {
        return new ThreadShards<>(capacity, i -> {
            made.incrementAndGet();
            return new Made(i, Thread.currentThread());
        });
    }

    @Test
    void aThreadKeepsItsShard() throws Exception {
        AtomicInteger made = new AtomicInteger();
        ThreadShards<Made> shards = shards(4, made);
        assertNull(shards.mineIfAssigned(), "no shard before the thread asks");
        assertEquals(0, shards.count());
        Made mine = shards.mine();
        for (int i = 0; i < 1_000; i++) {
            assertSame(mine, shards.mine());
        }
        assertSame(mine, shards.mineIfAssigned());
        assertSame(Thread.currentThread(), mine.forThread());
        assertEquals(0, mine.index());
        assertSame(mine, shards.at(0));
        Made other = OnNewThread.call(() -> {
            Made first = shards.mine();
            assertSame(first, shards.mine());
            return first;
        });
        assertNotSame(mine, other);
        assertSame(mine, shards.mine(), "another thread's shard does not change this one's");
        assertEquals(2, made.get(), "made once per thread, never per call");
        assertEquals(2, shards.count());
        assertNull(shards.at(2));
        assertNull(shards.at(-1));
    }

    @Test
    void theFirstThreadsGetAShardEachInTheOrderTheyAsked() throws Exception {
        AtomicInteger made = new AtomicInteger();
        ThreadShards<Made> shards = shards(8, made);
        List<Made> seen = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            seen.add(OnNewThread.call(shards::mine));
        }
        for (int t = 0; t < 8; t++) {
            assertEquals(t, seen.get(t).index(), "thread " + t + " got shard " + t);
            assertSame(seen.get(t), shards.at(t));
        }
        assertEquals(8, shards.count());
        assertEquals(8, made.get());
    }

    @Test
    void threadsAskingAtOnceSpreadOverAllShards() throws Exception {
        int capacity = 16;
        AtomicInteger made = new AtomicInteger();
        ThreadShards<Made> shards = shards(capacity, made);
        int threads = capacity;
        CyclicBarrier start = new CyclicBarrier(threads);
        Made[] got = new Made[threads];
        List<Thread> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int k = t;
            running.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                got[k] = shards.mine();
            }));
        }
        for (Thread t : running) {
            t.join();
        }
        Set<Integer> indexes = new HashSet<>();
        for (Made m : got) {
            indexes.add(m.index());
        }
        assertEquals(capacity, indexes.size(), "as many threads as shards: no two share");
        assertEquals(capacity, made.get());
    }

    @Test
    void threadsPastTheCapacityShareRoundRobin() throws Exception {
        AtomicInteger made = new AtomicInteger();
        ThreadShards<Made> shards = shards(3, made);
        List<Integer> indexes = new ArrayList<>();
        for (int t = 0; t < 10; t++) {
            indexes.add(OnNewThread.call(() -> shards.mine().index()));
        }
        assertEquals(List.of(0, 1, 2, 0, 1, 2, 0, 1, 2, 0), indexes);
        assertEquals(3, shards.count());
        assertEquals(3, made.get(), "no shard beyond the capacity");
    }

    @Test
    void capacityMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new ThreadShards<>(0, i -> i));
    }
}
