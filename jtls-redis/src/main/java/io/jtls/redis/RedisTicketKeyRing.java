package io.jtls.redis;

import io.jtls.session.TicketKey;
import io.jtls.session.TicketKeyRing.Snapshot;
import io.jtls.session.TicketKeyRing;
import io.jtls.session.TicketKeyRingSource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/**
 * Keeps a process's {@link TicketKeyRing} in step with the rings of every other process using
 * the same Redis key, so that a ticket sealed by one server opens on all of them, and rotates
 * the shared keys from one process at a time.
 *
 * <h2>How it works</h2>
 * The shared state is one {@link Snapshot} ({@link Snapshot#toBytes() its binary form}) under
 * one Redis key. Every {@link Builder#pollInterval pollInterval} (default 5 s) each process
 * {@link #sync() syncs}:
 * <ol>
 *   <li>{@code GET key}; if the shared snapshot differs from the local ring, the ring
 *       {@linkplain TicketKeyRing#apply applies} it (its listeners then push the keys to
 *       OpenSSL);</li>
 *   <li>if nothing is shared yet, or the shared current key is older than the ring's
 *       {@linkplain TicketKeyRing#rotationInterval() rotationInterval}, a process that
 *       {@linkplain Builder#mayRotate may rotate} tries {@code SET key:lock <token> NX PX
 *       <lockTtl>}. The one that gets the lock reads the key again and publishes the next
 *       snapshot (its own keys at first, then one rotation later: a new current key, retired
 *       keys dropped), applies it locally and releases the lock (a compare-and-delete
 *       script). The others see the new snapshot at their next poll.</li>
 * </ol>
 * Age is judged by the rotating process's clock: keep the servers' clocks roughly in time.
 * Between a rotation and the next poll of another process, tickets sealed with the new key do
 * not open on that process yet; those clients make a full handshake. Keep
 * {@code pollInterval} small next to {@code rotationInterval}. Do not also call
 * {@link TicketKeyRing#scheduleRotation} on a shared ring: rotation is this class's job.
 *
 * <h2>Failures</h2>
 * When Redis cannot be reached the local ring keeps its keys, {@link #sync()} throws (the
 * scheduled one reports to {@link Builder#onError}) and the next poll tries again. A shared value
 * that is not a snapshot this version understands is never overwritten.
 *
 * <h2>Security</h2>
 * The snapshot holds the keys in clear. Node: ticket keys "must be stored securely" and "should
 * not be stored on disk": use a Redis server reached over a protected network or TLS, with AUTH,
 * and without persistence ({@code save ""}, {@code appendonly no}) for that key's database.
 *
 * <p>The caller owns the {@link UnifiedJedis} and closes it after {@link #close()}.
 */
public final class RedisTicketKeyRing implements TicketKeyRingSource, AutoCloseable {
    /** The default Redis key of the shared snapshot; the lock is this plus {@code ":lock"}. */
    public static final String DEFAULT_KEY = "jtls:ticket-keys";
    /** How often a process syncs by default: 5 seconds. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(5);
    /** How long the rotation lock is held at most: 10 seconds. */
    public static final Duration DEFAULT_LOCK_TTL = Duration.ofSeconds(10);

    private static final System.Logger LOG = System.getLogger(RedisTicketKeyRing.class.getName());
    private static final String RELEASE_LOCK =
            "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

    /** What one {@link #sync()} did. */
    public enum SyncResult {
        /** The local ring already matched the shared snapshot (or it was not this process's turn). */
        UNCHANGED,
        /** The local ring took the shared snapshot another process published. */
        FOLLOWED,
        /** Nothing was shared: this process published its own keys. */
        INITIALIZED,
        /** The shared current key was due: this process rotated and published. */
        ROTATED
    }

    private final UnifiedJedis redis;
    private final TicketKeyRing ring;
    private final byte[] key;
    private final String lockKey;
    private final boolean mayRotate;
    private final Duration pollInterval;
    private final Duration lockTtl;
    private final Consumer<Throwable> onError;
    private final ScheduledExecutorService scheduler;
    private final boolean ownsScheduler;
    private final ExecutorService asyncExecutor;
    private final Object syncLock = new Object();
    private ScheduledFuture<?> schedule;

    private RedisTicketKeyRing(Builder builder) {
        this.redis = builder.redis;
        this.ring = builder.ring;
        this.key = builder.key.getBytes(StandardCharsets.UTF_8);
        this.lockKey = builder.key + ":lock";
        this.mayRotate = builder.mayRotate;
        this.pollInterval = builder.pollInterval;
        this.lockTtl = builder.lockTtl;
        this.onError = builder.onError;
        this.ownsScheduler = builder.scheduler == null;
        this.scheduler = ownsScheduler
                ? Executors.newSingleThreadScheduledExecutor(
                        Thread.ofPlatform().name("jtls-ticket-keys").daemon().factory())
                : builder.scheduler;
        this.asyncExecutor = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("jtls-ticket-keys-io-", 0).factory());
    }

    /**
     * Settings for sharing {@code ring} through {@code redis}. The ring's rotation interval and
     * decrypt lifetime are the policy; give every process the same ones.
     *
     * @param redis the redis
     * @param ring the ring
     * @return the builder: settings for sharing {@code ring} through {@code redis}
     */
    public static Builder builder(UnifiedJedis redis, TicketKeyRing ring) {
        return new Builder(redis, ring);
    }

    /**
     * The local ring this instance keeps in step (what the server reads its keys from).
     *
     * @return the local ring this instance keeps in step (what the server reads its keys from)
     */
    public TicketKeyRing ring() {
        return ring;
    }

    /**
     * Syncs now, then every {@code pollInterval} on the scheduler. Errors of the scheduled syncs
     * go to {@link Builder#onError} and the schedule goes on.
     *
     * @return this
     */
    public synchronized RedisTicketKeyRing start() {
        if (schedule == null) {
            schedule = scheduler.scheduleWithFixedDelay(this::syncReportingErrors,
                    0, pollInterval.toNanos(), TimeUnit.NANOSECONDS);
        }
        return this;
    }

    /**
     * One round of the protocol above, blocking on Redis.
     *
     * @return one round of the protocol above, blocking on Redis
     * @throws redis.clients.jedis.exceptions.JedisException when Redis fails
     * @throws IllegalArgumentException when the shared value is not a snapshot this version reads
     */
    public SyncResult sync() {
        synchronized (syncLock) {
            Snapshot shared = read();
            boolean followed = shared != null && ring.apply(shared);
            Instant now = ring.clock().instant();
            if (!mayRotate || (shared != null && !ring.isRotationDue(shared, now))) {
                return followed ? SyncResult.FOLLOWED : SyncResult.UNCHANGED;
            }
            SyncResult published = underLock(() -> {
                Snapshot latest = read();
                Instant at = ring.clock().instant();
                if (latest == null) {
                    Snapshot mine = ring.snapshot();
                    write(ring.isRotationDue(mine, at) ? ring.rotated(mine, TicketKey.generate(), at) : mine);
                    return SyncResult.INITIALIZED;
                }
                if (ring.isRotationDue(latest, at)) {
                    write(ring.rotated(latest, TicketKey.generate(), at));
                    return SyncResult.ROTATED;
                }
                ring.apply(latest); // another process rotated between our two reads
                return SyncResult.FOLLOWED;
            });
            if (published != null) {
                return published;
            }
            return followed ? SyncResult.FOLLOWED : SyncResult.UNCHANGED;
        }
    }

    /**
     * Rotates the shared keys now, whatever their age (for example after a suspected leak; the
     * previous keys still open tickets until retired), and applies the result locally.
     *
     * @return the published snapshot
     * @throws IllegalStateException when another process holds the rotation lock
     * @throws redis.clients.jedis.exceptions.JedisException when Redis fails
     */
    public Snapshot rotateNow() {
        synchronized (syncLock) {
            Snapshot published = underLock(() -> {
                Snapshot latest = read();
                Snapshot next = ring.rotated(latest != null ? latest : ring.snapshot(),
                        TicketKey.generate(), ring.clock().instant());
                write(next);
                return next;
            });
            if (published == null) {
                throw new IllegalStateException("another process holds the ticket key rotation lock");
            }
            return published;
        }
    }

    /** {@inheritDoc} Reads the shared snapshot ({@code null} when none), on a virtual thread. */
    @Override
    public CompletionStage<Snapshot> fetch() {
        return async(this::read);
    }

    /**
     * {@inheritDoc} Overwrites the shared snapshot, without the lock, on a virtual thread: for
     * tools that install keys from elsewhere. Processes follow it at their next sync.
     */
    @Override
    public CompletionStage<Void> publish(Snapshot snapshot) {
        Objects.requireNonNull(snapshot, "snapshot");
        return async(() -> {
            write(snapshot);
            return null;
        });
    }

    /** Stops polling and the executors this instance made; the client stays open. */
    @Override
    public synchronized void close() {
        if (schedule != null) {
            schedule.cancel(false);
        }
        if (ownsScheduler) {
            scheduler.shutdownNow();
        }
        asyncExecutor.shutdown();
    }

    private void syncReportingErrors() {
        try {
            sync();
        } catch (RuntimeException e) {
            try {
                onError.accept(e);
            } catch (RuntimeException listenerFailure) {
                LOG.log(System.Logger.Level.ERROR, "ticket key error listener failed", listenerFailure);
            }
        }
    }

    private Snapshot read() {
        byte[] bytes = redis.get(key);
        return bytes == null ? null : Snapshot.fromBytes(bytes);
    }

    private void write(Snapshot snapshot) {
        redis.set(key, snapshot.toBytes());
        ring.apply(snapshot);
    }

    /** Runs {@code action} holding the rotation lock; {@code null} when another process holds it. */
    private <T> T underLock(Supplier<T> action) {
        String token = UUID.randomUUID().toString();
        String ok = redis.set(lockKey, token, SetParams.setParams().nx().px(lockTtl.toMillis()));
        if (!"OK".equals(ok)) {
            return null;
        }
        try {
            return action.get();
        } finally {
            try {
                redis.eval(RELEASE_LOCK, List.of(lockKey), List.of(token));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "could not release the ticket key lock; it expires in "
                        + lockTtl, e);
            }
        }
    }

    private <T> CompletableFuture<T> async(Supplier<T> command) {
        try {
            return CompletableFuture.supplyAsync(command, asyncExecutor);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Settings of a {@link RedisTicketKeyRing}. */
    public static final class Builder {
        private final UnifiedJedis redis;
        private final TicketKeyRing ring;
        private String key = DEFAULT_KEY;
        private boolean mayRotate = true;
        private Duration pollInterval = DEFAULT_POLL_INTERVAL;
        private Duration lockTtl = DEFAULT_LOCK_TTL;
        private ScheduledExecutorService scheduler;
        private Consumer<Throwable> onError = error ->
                LOG.log(System.Logger.Level.WARNING, "ticket key sync failed: " + error, error);

        private Builder(UnifiedJedis redis, TicketKeyRing ring) {
            this.redis = Objects.requireNonNull(redis, "redis");
            this.ring = Objects.requireNonNull(ring, "ring");
        }

        /**
         * The Redis key of the shared snapshot (default {@value #DEFAULT_KEY}).
         *
         * @param key the key
         * @return this builder
         */
        public Builder key(String key) {
            this.key = Objects.requireNonNull(key, "key");
            return this;
        }

        /**
         * Whether this process may be the one that rotates (default true: the processes elect one
         * with the lock at each rotation). False makes a pure follower, for example when one
         * designated leader process rotates.
         *
         * @param mayRotate the may rotate
         * @return this builder
         */
        public Builder mayRotate(boolean mayRotate) {
            this.mayRotate = mayRotate;
            return this;
        }

        /**
         * How often {@link #start()} syncs (default 5 s).
         *
         * @param pollInterval the poll interval
         * @return this builder
         */
        public Builder pollInterval(Duration pollInterval) {
            this.pollInterval = positive(pollInterval, "pollInterval");
            return this;
        }

        /**
         * The longest a crashed rotating process can hold the lock (default 10 s).
         *
         * @param lockTtl the lock ttl
         * @return this builder
         */
        public Builder lockTtl(Duration lockTtl) {
            this.lockTtl = positive(lockTtl, "lockTtl");
            return this;
        }

        /**
         * Where polls run (default: one daemon thread owned by the instance). Not owned.
         *
         * @param scheduler the scheduler
         * @return this builder
         */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * Told about each failed scheduled sync (default: logged as a warning).
         *
         * @param onError called on {@code 'error'}
         * @return this builder
         */
        public Builder onError(Consumer<Throwable> onError) {
            this.onError = Objects.requireNonNull(onError, "onError");
            return this;
        }

        /**
         * Builds from the values set so far.
         *
         * @return the redis ticket key ring: builds from the values set so far
         */
        public RedisTicketKeyRing build() {
            return new RedisTicketKeyRing(this);
        }

        private static Duration positive(Duration duration, String what) {
            Objects.requireNonNull(duration, what);
            if (duration.isNegative() || duration.isZero() || duration.toMillis() == 0) {
                throw new IllegalArgumentException(what + " must be at least 1 ms, got " + duration);
            }
            return duration;
        }
    }
}
