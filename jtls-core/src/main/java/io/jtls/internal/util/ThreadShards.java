package io.jtls.internal.util;

import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * Which shard the calling thread uses, for the structures of this package that split their state
 * by thread so that event loops working at once never write the same words ({@link WeakIdTable},
 * {@link ThreadShardedMap}, {@link StripedRefCount}'s stripe numbers).
 *
 * <p>The contract: a thread keeps its shard for the life of this object (it is remembered in a
 * {@link ThreadLocal}, so the fast path is one thread-local read, no shared write); the first
 * {@code capacity} threads that ask get a shard each, made for them in the order they asked
 * (shard {@code n} for the {@code n}-th thread, so shards are numbered densely from 0); later
 * threads share them round-robin (thread {@code n} uses shard {@code n % capacity}). An event
 * loop that lives as long as the server is therefore alone in its shard as long as fewer than
 * {@code capacity} threads used the structure before it.
 *
 * <p>Making a shard takes this object's lock and copies the (small) array of shards: once per
 * thread, never per operation. Reading the shards takes no lock: the array is replaced, never
 * changed in place, and published through a volatile field.
 *
 * @param <S> a shard
 */
final class ThreadShards<S> {
    private final int capacity;
    private final IntFunction<S> maker;
    /** Shards made so far, in the order of the threads that asked; copied on growth, never changed in place. */
    private volatile Object[] shards = new Object[0];
    private final ThreadLocal<S> mine = new ThreadLocal<>();
    /** Threads given a shard so far (guarded by this). */
    private int threadsSeen;

    /**
     * @param capacity shards at most, at least 1
     * @param maker makes shard number {@code i} (0 to {@code capacity - 1}), under this object's lock
     */
    ThreadShards(int capacity, IntFunction<S> maker) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
        this.maker = maker;
    }

    /**
     * The calling thread's shard, made on the thread's first call.
     *
     * @return the shard
     */
    S mine() {
        S shard = mine.get();
        if (shard == null) {
            shard = assign();
            mine.set(shard);
        }
        return shard;
    }

    /**
     * The calling thread's shard if it has one, without making it (for a read that need not
     * make a shard just to look in it).
     *
     * @return the shard, or null
     */
    S mineIfAssigned() {
        return mine.get();
    }

    @SuppressWarnings("unchecked")
    private synchronized S assign() {
        int n = threadsSeen;
        threadsSeen = n + 1 == Integer.MIN_VALUE ? capacity : n + 1; // past 2^31 threads, keep sharing
        if (n < capacity) {
            Object[] grown = Arrays.copyOf(shards, n + 1);
            grown[n] = maker.apply(n);
            shards = grown;
            return (S) grown[n];
        }
        return (S) shards[n % capacity];
    }

    /**
     * Shards made so far; {@link #at(int)} takes 0 to {@code count() - 1}.
     *
     * @return the number of shards
     */
    int count() {
        return shards.length;
    }

    /**
     * Shard number {@code index}, or null if it was not made yet (or is out of range).
     *
     * @param index the shard's number
     * @return the shard, or null
     */
    @SuppressWarnings("unchecked")
    S at(int index) {
        Object[] all = shards;
        return index >= 0 && index < all.length ? (S) all[index] : null;
    }
}
