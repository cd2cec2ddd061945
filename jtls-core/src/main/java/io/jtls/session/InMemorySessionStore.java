package io.jtls.session;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link SessionStore} in this process's memory: a bounded least-recently-used map whose
 * entries also expire after their own {@code ttl}.
 *
 * <ul>
 *   <li><b>Bounded</b>: at {@link Builder#capacity capacity} entries, storing one more evicts
 *       the entry used least recently (default {@value #DEFAULT_CAPACITY}, the size of
 *       OpenSSL's own session cache, {@code SSL_SESSION_CACHE_MAX_SIZE_DEFAULT}).</li>
 *   <li><b>Expiry</b>: an entry older than its {@code ttl} is a miss and is dropped when seen;
 *       {@link #purgeExpired()} drops all of them (O(n), for a periodic sweep).</li>
 *   <li><b>O(1)</b> {@code put}, {@code get}, {@code remove}: a hash map kept in access
 *       order.</li>
 *   <li><b>Thread-safe</b> under one short lock; every stage is already complete when
 *       returned, on the calling thread.</li>
 *   <li><b>Observable</b>: {@link #stats()} counts hits, misses, evictions and expirations.</li>
 * </ul>
 * It serves one process; servers behind a load balancer need a shared store
 * ({@code jtls-redis}'s {@code RedisSessionStore}).
 */
public final class InMemorySessionStore implements SessionStore {
    /** Default capacity: OpenSSL's {@code SSL_SESSION_CACHE_MAX_SIZE_DEFAULT} (1024 * 20). */
    public static final int DEFAULT_CAPACITY = 1024 * 20;

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final int capacity;
    private final InstantSource clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final LinkedHashMap<Id, Entry> entries; // access order: eldest = least recently used
    private long hits;
    private long misses;
    private long evictions;
    private long expirations;

    private InMemorySessionStore(Builder builder) {
        this.capacity = builder.capacity;
        this.clock = builder.clock;
        this.entries = new LinkedHashMap<>(16, 0.75f, true);
    }

    /**
     * A store of {@value #DEFAULT_CAPACITY} entries on the system clock.
     *
     * @return a store of {@value #DEFAULT_CAPACITY} entries on the system clock
     */
    public static InMemorySessionStore create() {
        return builder().build();
    }

    /**
     * A new builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public CompletionStage<Void> put(byte[] id, byte[] data, Duration ttl) {
        Id key = new Id(id);
        Objects.requireNonNull(data, "data");
        SessionStore.requirePositiveTtl(ttl);
        Entry entry = new Entry(data.clone(), expiry(clock.instant(), ttl));
        lock.lock();
        try {
            if (entries.put(key, entry) == null && entries.size() > capacity) {
                Iterator<Map.Entry<Id, Entry>> eldest = entries.entrySet().iterator();
                eldest.next();
                eldest.remove();
                evictions++;
            }
        } finally {
            lock.unlock();
        }
        return DONE;
    }

    @Override
    public CompletionStage<byte[]> get(byte[] id) {
        Id key = new Id(id);
        Instant now = clock.instant();
        byte[] data;
        lock.lock();
        try {
            Entry entry = entries.get(key);
            if (entry == null) {
                misses++;
                data = null;
            } else if (entry.isExpired(now)) {
                entries.remove(key);
                expirations++;
                misses++;
                data = null;
            } else {
                hits++;
                data = entry.data();
            }
        } finally {
            lock.unlock();
        }
        return CompletableFuture.completedFuture(data == null ? null : data.clone());
    }

    @Override
    public CompletionStage<Void> remove(byte[] id) {
        Id key = new Id(id);
        lock.lock();
        try {
            entries.remove(key);
        } finally {
            lock.unlock();
        }
        return DONE;
    }

    /**
     * Drops every expired entry now.
     *
     * @return how many were dropped
     */
    public int purgeExpired() {
        Instant now = clock.instant();
        int dropped = 0;
        lock.lock();
        try {
            for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
                if (it.next().isExpired(now)) {
                    it.remove();
                    dropped++;
                }
            }
            expirations += dropped;
        } finally {
            lock.unlock();
        }
        return dropped;
    }

    /**
     * The number of entries held, expired ones not yet dropped included.
     *
     * @return the number of entries held, expired ones not yet dropped included
     */
    public int size() {
        lock.lock();
        try {
            return entries.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The capacity.
     *
     * @return how many sessions the store keeps at most
     */
    public int capacity() {
        return capacity;
    }

    /**
     * The counters since this store was made, read together.
     *
     * @return the counters since this store was made, read together
     */
    public Stats stats() {
        lock.lock();
        try {
            return new Stats(hits, misses, evictions, expirations, entries.size());
        } finally {
            lock.unlock();
        }
    }

    /**
     * What a store has done: {@code hits} and {@code misses} of {@code get} (an expired entry
     * counts as a miss and an expiration), {@code evictions} of least recently used entries to
     * stay within capacity, {@code expirations} of entries dropped for age, and the current
     * {@code size}.
     *
     * @param hits the hits
     * @param misses the misses
     * @param evictions the evictions
     * @param expirations the expirations
     * @param size the size in bytes
     */
    public record Stats(long hits, long misses, long evictions, long expirations, int size) {
        /**
         * hits / (hits + misses), or 0 before any {@code get}.
         *
         * @return hits / (hits + misses), or 0 before any {@code get}
         */
        public double hitRatio() {
            long lookups = hits + misses;
            return lookups == 0 ? 0 : (double) hits / lookups;
        }
    }

    private static Instant expiry(Instant now, Duration ttl) {
        try {
            return now.plus(ttl);
        } catch (ArithmeticException | java.time.DateTimeException e) {
            return Instant.MAX; // a ttl beyond the calendar never expires
        }
    }

    private record Entry(byte[] data, Instant expiresAt) {
        boolean isExpired(Instant now) {
            return !now.isBefore(expiresAt);
        }
    }

    /** A session id as a map key: equal when the bytes are equal. Owns a copy. */
    private static final class Id {
        private final byte[] bytes;
        private final int hash;

        Id(byte[] bytes) {
            this.bytes = Objects.requireNonNull(bytes, "id").clone();
            this.hash = Arrays.hashCode(this.bytes);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Id id && Arrays.equals(bytes, id.bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /** Settings of an {@link InMemorySessionStore}. */
    public static final class Builder {
        private int capacity = DEFAULT_CAPACITY;
        private InstantSource clock = InstantSource.system();

        private Builder() {
        }

        /**
         * The most entries held at once (default {@value #DEFAULT_CAPACITY}).
         *
         * @param capacity the capacity
         * @return this builder
         */
        public Builder capacity(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
            }
            this.capacity = capacity;
            return this;
        }

        /**
         * The clock entries expire by (default: the system clock). Tests pass a fake one.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Builds from the values set so far.
         *
         * @return the in memory session store: builds from the values set so far
         */
        public InMemorySessionStore build() {
            return new InMemorySessionStore(this);
        }
    }
}
