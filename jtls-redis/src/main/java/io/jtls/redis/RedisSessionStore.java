package io.jtls.redis;

import io.jtls.session.SessionStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/**
 * A {@link SessionStore} on a Redis server, shared by every server process that talks to it:
 * the "shared session cache (such as Redis)" Node's documentation asks for when servers behind
 * a load balancer or cluster workers must resume each other's sessions.
 *
 * <ul>
 *   <li>{@code put} is {@code SET <prefix><id> <data> PX <ttl in ms>}, {@code get} is
 *       {@code GET}, {@code remove} is {@code DEL}: Redis expires entries itself.</li>
 *   <li>Binary-safe: the key is the prefix's UTF-8 bytes followed by the raw id bytes, the
 *       value is the raw session bytes.</li>
 *   <li>Asynchronous over Jedis's blocking calls: each operation runs on the store's executor
 *       (by default a virtual thread per operation, so a slow Redis parks virtual threads, never
 *       a server's event loop). Its stage completes on that thread.</li>
 *   <li>Failures (connection refused, timeouts, Redis errors) complete the stage exceptionally;
 *       they are never thrown to the caller. How long a failure takes is the client's business:
 *       give the {@link UnifiedJedis} short connection and socket timeouts (for example
 *       {@code DefaultJedisClientConfig.builder().connectionTimeoutMillis(200)
 *       .socketTimeoutMillis(500)}) and a short pool {@code maxWait}.</li>
 * </ul>
 * Sessions hold their master secrets: protect the Redis server (AUTH, TLS, a private network)
 * as you would the server's keys.
 *
 * <p>The caller owns the {@link UnifiedJedis} ({@code RedisClient}, {@code JedisPooled},
 * {@code JedisCluster}, ...) and closes it; {@link #close()} only stops the store's own
 * executor.
 */
public final class RedisSessionStore implements SessionStore, AutoCloseable {
    /** The default key prefix. */
    public static final String DEFAULT_KEY_PREFIX = "jtls:session:";

    private final UnifiedJedis redis;
    private final byte[] keyPrefix;
    private final ExecutorService ownExecutor;
    private final java.util.concurrent.Executor executor;

    private RedisSessionStore(Builder builder) {
        this.redis = builder.redis;
        this.keyPrefix = builder.keyPrefix.clone();
        if (builder.executor == null) {
            this.ownExecutor = Executors.newThreadPerTaskExecutor(
                    Thread.ofVirtual().name("jtls-redis-session-", 0).factory());
            this.executor = ownExecutor;
        } else {
            this.ownExecutor = null;
            this.executor = builder.executor;
        }
    }

    /**
     * A store on {@code redis} with the default prefix and executor.
     *
     * @param redis the redis
     * @return a store on {@code redis} with the default prefix and executor
     */
    public static RedisSessionStore create(UnifiedJedis redis) {
        return builder(redis).build();
    }

    /**
     * A new builder.
     *
     * @param redis the redis
     * @return a new builder
     */
    public static Builder builder(UnifiedJedis redis) {
        return new Builder(redis);
    }

    @Override
    public CompletionStage<Void> put(byte[] id, byte[] data, Duration ttl) {
        byte[] key = key(id);
        byte[] value = Objects.requireNonNull(data, "data").clone();
        SessionStore.requirePositiveTtl(ttl);
        long millis = ttlMillis(ttl);
        return run(() -> {
            redis.set(key, value, SetParams.setParams().px(millis));
            return null;
        });
    }

    @Override
    public CompletionStage<byte[]> get(byte[] id) {
        byte[] key = key(id);
        return run(() -> redis.get(key));
    }

    @Override
    public CompletionStage<Void> remove(byte[] id) {
        byte[] key = key(id);
        return run(() -> {
            redis.del(key);
            return null;
        });
    }

    /**
     * The Redis key under which {@code id} is stored: the prefix's bytes, then the id's.
     *
     * @param id the id
     * @return the Redis key under which {@code id} is stored: the prefix's bytes, then the id's
     */
    public byte[] key(byte[] id) {
        Objects.requireNonNull(id, "id");
        byte[] key = new byte[keyPrefix.length + id.length];
        System.arraycopy(keyPrefix, 0, key, 0, keyPrefix.length);
        System.arraycopy(id, 0, key, keyPrefix.length, id.length);
        return key;
    }

    /** Stops the store's own executor (not a caller-supplied one, and not the client). */
    @Override
    public void close() {
        if (ownExecutor != null) {
            ownExecutor.shutdown();
        }
    }

    private <T> CompletableFuture<T> run(Supplier<T> command) {
        try {
            return CompletableFuture.supplyAsync(command, executor);
        } catch (RuntimeException e) { // RejectedExecutionException after close(), among others
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The longest relative expiry sent: Redis refuses one that overflows when added to now. */
    private static final long MAX_TTL_MILLIS = Long.MAX_VALUE / 4;

    /** Redis's PX takes whole milliseconds, at least 1: round a sub-millisecond ttl up. */
    private static long ttlMillis(Duration ttl) {
        if (ttl.compareTo(Duration.ofMillis(MAX_TTL_MILLIS)) >= 0) {
            return MAX_TTL_MILLIS;
        }
        long millis = ttl.toMillis();
        return ttl.equals(Duration.ofMillis(millis)) ? millis : millis + 1;
    }

    /** Settings of a {@link RedisSessionStore}. */
    public static final class Builder {
        private final UnifiedJedis redis;
        private byte[] keyPrefix = DEFAULT_KEY_PREFIX.getBytes(StandardCharsets.UTF_8);
        private java.util.concurrent.Executor executor;

        private Builder(UnifiedJedis redis) {
            this.redis = Objects.requireNonNull(redis, "redis");
        }

        /**
         * What every key starts with (default {@value #DEFAULT_KEY_PREFIX}), as UTF-8.
         *
         * @param keyPrefix the key prefix
         * @return this builder
         */
        public Builder keyPrefix(String keyPrefix) {
            return keyPrefix(Objects.requireNonNull(keyPrefix, "keyPrefix").getBytes(StandardCharsets.UTF_8));
        }

        /**
         * What every key starts with, as bytes.
         *
         * @param keyPrefix the key prefix
         * @return this builder
         */
        public Builder keyPrefix(byte[] keyPrefix) {
            this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix").clone();
            return this;
        }

        /**
         * Where the blocking Redis calls run (default: a virtual thread each, owned and stopped
         * by the store). A caller-supplied executor is neither owned nor stopped.
         *
         * @param executor the executor
         * @return this builder
         */
        public Builder executor(java.util.concurrent.Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * Builds from the values set so far.
         *
         * @return the redis session store: builds from the values set so far
         */
        public RedisSessionStore build() {
            return new RedisSessionStore(this);
        }
    }
}
