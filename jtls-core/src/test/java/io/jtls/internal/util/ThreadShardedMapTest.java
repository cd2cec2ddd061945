package io.jtls.internal.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.support.OnNewThread;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The map behind a server's open connections: each putting thread has a shard of its own, and
 * every operation sees entries whichever thread put them (a connection handed to another loop,
 * a snapshot taken on the application's thread).
 */
class ThreadShardedMapTest {
    @Test
    void entriesPutOnTwoThreadsAreSeenAndRemovedFromAnyThread() throws Exception {
        ThreadShardedMap<String, Integer> map = new ThreadShardedMap<>();
        map.put("here", 1);
        OnNewThread.call(() -> {
            map.put("there", 2);
            return null;
        });
        assertEquals(2, map.shardCount(), "one shard per putting thread");
        assertEquals(2, map.get("there"));
        assertEquals(1, OnNewThread.call(() -> map.get("here")));
        map.replace("there", 3); // in the other thread's shard
        map.replace("nowhere", 9); // not in the map: nothing added
        assertEquals(Set.of(1, 3), new HashSet<>(map.values()));
        Set<String> keys = new HashSet<>();
        map.forEach((k, v) -> keys.add(k));
        assertEquals(Set.of("here", "there"), keys);
        assertTrue(OnNewThread.call(() -> map.remove("here")));
        assertFalse(map.remove("here"));
        assertTrue(map.remove("there"));
        assertNull(map.get("there"));
        assertEquals(List.of(), map.values());
    }
}
