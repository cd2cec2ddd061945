package io.jtls.internal.util;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * A concurrent map split by the thread that puts: each thread (an event loop, in practice) puts
 * into a shard of its own, so that loops adding and removing their connections at once do not
 * write the same map's counters and bins. Every operation is safe from any thread; one on a key
 * that another thread put looks in that thread's shard after its own (a rare path: a
 * connection is put and removed by its own loop). Reading all entries visits every shard.
 *
 * <p>The first {@value #MAX_SHARDS} threads that put get a shard each; later ones share them
 * ({@code ThreadShards}).
 *
 * @param <K> keys
 * @param <V> values
 */
public final class ThreadShardedMap<K, V> {
    static final int MAX_SHARDS = 64;

    private final ThreadShards<ConcurrentHashMap<K, V>> shards =
            new ThreadShards<>(MAX_SHARDS, i -> new ConcurrentHashMap<>());

    /**
     * Maps {@code key} to {@code value} in this thread's shard.
     *
     * @param key the key, not yet in the map
     * @param value the value
     */
    public void put(K key, V value) {
        shards.mine().put(key, value);
    }

    /**
     * The value of {@code key}, or null.
     *
     * @param key the key
     * @return its value, or null
     */
    public V get(K key) {
        ConcurrentHashMap<K, V> shard = shards.mineIfAssigned();
        V value = shard == null ? null : shard.get(key);
        if (value != null) {
            return value;
        }
        for (int i = 0, n = shards.count(); i < n; i++) {
            ConcurrentHashMap<K, V> other = shards.at(i);
            if (other != shard && (value = other.get(key)) != null) {
                return value;
            }
        }
        return null;
    }

    /**
     * Replaces the value of {@code key} if it is in the map.
     *
     * @param key the key
     * @param value the new value
     */
    public void replace(K key, V value) {
        ConcurrentHashMap<K, V> shard = shards.mineIfAssigned();
        if (shard != null && shard.replace(key, value) != null) {
            return;
        }
        for (int i = 0, n = shards.count(); i < n; i++) {
            ConcurrentHashMap<K, V> other = shards.at(i);
            if (other != shard && other.replace(key, value) != null) {
                return;
            }
        }
    }

    /**
     * Removes {@code key}.
     *
     * @param key the key
     * @return true if it was in the map
     */
    public boolean remove(K key) {
        ConcurrentHashMap<K, V> shard = shards.mineIfAssigned();
        if (shard != null && shard.remove(key) != null) {
            return true;
        }
        for (int i = 0, n = shards.count(); i < n; i++) {
            ConcurrentHashMap<K, V> other = shards.at(i);
            if (other != shard && other.remove(key) != null) {
                return true;
            }
        }
        return false;
    }

    /**
     * Visits every entry (weakly consistent, as {@link ConcurrentHashMap}'s iteration).
     *
     * @param action called with each key and value
     */
    public void forEach(BiConsumer<? super K, ? super V> action) {
        for (int i = 0, n = shards.count(); i < n; i++) {
            shards.at(i).forEach(action);
        }
    }

    /**
     * A copy of the values now (weakly consistent).
     *
     * @return the values
     */
    public List<V> values() {
        List<V> all = new ArrayList<>();
        for (int i = 0, n = shards.count(); i < n; i++) {
            all.addAll(shards.at(i).values());
        }
        return all;
    }

    /** Shards made so far (for tests). */
    int shardCount() {
        return shards.count();
    }
}
