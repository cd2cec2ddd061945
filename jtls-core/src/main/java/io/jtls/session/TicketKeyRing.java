package io.jtls.session;

import io.jtls.internal.jfr.TicketKeyChangeEvent;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The session ticket keys of a server over time: one <em>current</em> key that seals new
 * tickets, and the keys it replaced, which still open the tickets they sealed until they are
 * retired.
 *
 * <h2>Why a ring</h2>
 * Node gives a server one ticket key ({@code ticketKeys}, 48 bytes) and leaves rotation to the
 * application ({@code server.setTicketKeys()}), which throws away every ticket sealed with the
 * old key: each client holding one falls back to a full handshake. Go's {@code crypto/tls}
 * instead rotates by itself and keeps the previous keys for decryption only. This class does
 * what Go does, with Node's 48-byte keys:
 * <ul>
 *   <li>{@link #rotate()} makes a new random key current; the old current key is kept;</li>
 *   <li>a key is <em>retired</em> (no longer opens tickets, then dropped) once it is
 *       {@linkplain Builder#decryptLifetime(Duration) decryptLifetime} old, counted from its
 *       creation; the current key is never retired;</li>
 *   <li>{@link #rotateIfDue()} rotates once the current key is
 *       {@linkplain Builder#rotationInterval(Duration) rotationInterval} old;
 *       {@link #scheduleRotation} calls it periodically.</li>
 * </ul>
 * Defaults: rotation every {@link #DEFAULT_ROTATION_INTERVAL 12 hours}, keys open tickets for
 * {@link #DEFAULT_DECRYPT_LIFETIME 24 hours} (Go: 24 hours and 7 days). A ticket sealed just
 * before a rotation thus stays usable for {@code decryptLifetime - rotationInterval} = 12 hours,
 * far more than Node's default {@code sessionTimeout} of 300 seconds, after which OpenSSL
 * refuses the session inside the ticket anyway. Keep
 * {@code decryptLifetime >= rotationInterval + sessionTimeout}. Shorter lifetimes limit what a
 * stolen key reveals: with TLS 1.2 a ticket key decrypts every session sealed with it.
 *
 * <h2>Node's API</h2>
 * {@link #getTicketKeys()} and {@link #setTicketKeys(byte[])} behave as Node's server methods:
 * 48 bytes, the current key. Like Node, {@code setTicketKeys} replaces <em>all</em> keys (old
 * tickets stop working); {@link #rotateTo(TicketKey)} installs a given key while keeping the
 * old ones.
 *
 * <h2>Threads and listeners</h2>
 * Reads ({@link #current()}, {@link #find(byte[])}, {@link #snapshot()}) are lock-free reads of
 * an immutable {@link Snapshot}, cheap enough for every handshake. Changes are serialised.
 * Listeners ({@link #addListener}) are called after each change with the new snapshot, on the
 * thread that made the change, in the order of the changes; they should be short (a server
 * copies the keys where its ticket callback reads them). A listener that throws is logged and
 * does not stop the others.
 *
 * <h2>Sharing between processes</h2>
 * Servers behind one load balancer must share keys. {@link #snapshot()} gives the whole state
 * as a {@link Snapshot} that serialises to bytes ({@link Snapshot#toBytes()}); another process
 * installs it with {@link #apply(Snapshot)}. {@link TicketKeyRingSource} is the contract of a
 * shared store of snapshots (the {@code jtls-redis} module has one on Redis).
 */
public final class TicketKeyRing {
    /** How long a key seals new tickets before {@link #rotateIfDue()} replaces it: 12 hours. */
    public static final Duration DEFAULT_ROTATION_INTERVAL = Duration.ofHours(12);
    /** How long after its creation a key still opens tickets: 24 hours. */
    public static final Duration DEFAULT_DECRYPT_LIFETIME = Duration.ofHours(24);

    private static final System.Logger LOG = System.getLogger(TicketKeyRing.class.getName());

    private final Duration rotationInterval;
    private final Duration decryptLifetime;
    private final InstantSource clock;
    private final SecureRandom random;
    private final List<Consumer<Snapshot>> listeners = new CopyOnWriteArrayList<>();
    private final Object changeLock = new Object();
    private volatile Snapshot state;

    private TicketKeyRing(Builder builder) {
        this.rotationInterval = builder.rotationInterval;
        this.decryptLifetime = builder.decryptLifetime;
        this.clock = builder.clock;
        this.random = builder.random;
        this.state = builder.initial != null
                ? builder.initial
                : new Snapshot(0, List.of(new Entry(newKey(), clock.instant())));
    }

    /**
     * A ring with the default intervals, the system clock and one fresh random key.
     *
     * @return a ring with the default intervals, the system clock and one fresh random key
     */
    public static TicketKeyRing create() {
        return builder().build();
    }

    /**
     * A ring whose only key is Node's 48-byte {@code ticketKeys} buffer.
     *
     * @param ticketKeys the ticket keys
     * @return a ring whose only key is Node's 48-byte {@code ticketKeys} buffer
     */
    public static TicketKeyRing fromNodeBytes(byte[] ticketKeys) {
        return builder().initialKey(TicketKey.fromNodeBytes(ticketKeys)).build();
    }

    /**
     * A new builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    // ---- reads (lock-free) ----

    /**
     * The key that seals new tickets.
     *
     * @return the key that seals new tickets
     */
    public TicketKey current() {
        return state.current();
    }

    /**
     * The whole state: current key first, then older keys, newest first.
     *
     * @return the whole state: current key first, then older keys, newest first
     */
    public Snapshot snapshot() {
        return state;
    }

    /**
     * The key that opens a ticket whose key name is {@code name}, or {@code null} when no key
     * of the ring has that name or it is retired (older than {@code decryptLifetime}; the
     * current key is never retired). A ticket callback answers "not found, full handshake"
     * ({@code 0}) for {@code null}, and asks for a renewed ticket ({@code 2}) when the key found
     * is not {@link #isCurrent current}.
     *
     * @param name the name
     * @return the key that opens a ticket whose key name is {@code name}, or {@code null} when no key of the
     *         ring has that name or it is retired (older than {@code decryptLifetime}; the current key is
     *         never retired)
     */
    public TicketKey find(byte[] name) {
        Snapshot snapshot = state;
        List<Entry> keys = snapshot.keys();
        for (int i = 0; i < keys.size(); i++) {
            Entry entry = keys.get(i);
            if (entry.key().hasName(name)) {
                return i == 0 || !isRetired(entry, clock.instant()) ? entry.key() : null;
            }
        }
        return null;
    }

    /**
     * Whether {@code key} is the current key (tickets sealed with another one should be renewed).
     *
     * @param key the key
     * @return whether {@code key} is the current key (tickets sealed with another one should be renewed)
     */
    public boolean isCurrent(TicketKey key) {
        return state.current().equals(key);
    }

    /**
     * Node's {@code server.getTicketKeys()}: the current key as 48 bytes.
     *
     * @return Node's {@code server.getTicketKeys()}: the current key as 48 bytes
     */
    public byte[] getTicketKeys() {
        return current().toNodeBytes();
    }

    /**
     * The rotation interval.
     *
     * @return how often a new key takes over
     */
    public Duration rotationInterval() {
        return rotationInterval;
    }

    /**
     * The decrypt lifetime.
     *
     * @return how long a retired key still decrypts
     */
    public Duration decryptLifetime() {
        return decryptLifetime;
    }

    /**
     * The clock this ring reads (for components that rotate on its behalf).
     *
     * @return the clock this ring reads (for components that rotate on its behalf)
     */
    public InstantSource clock() {
        return clock;
    }

    /**
     * Whether the current key is at least {@code rotationInterval} old.
     *
     * @return whether the current key is at least {@code rotationInterval} old
     */
    public boolean isRotationDue() {
        return isRotationDue(state, clock.instant());
    }

    /**
     * Whether the current key of {@code snapshot} is at least {@code rotationInterval} old at {@code now}.
     *
     * @param snapshot the snapshot
     * @param now the now
     * @return whether the current key of {@code snapshot} is at least {@code rotationInterval} old at {@code
     *         now}
     */
    public boolean isRotationDue(Snapshot snapshot, Instant now) {
        return !snapshot.keys().getFirst().created().plus(rotationInterval).isAfter(now);
    }

    // ---- changes (serialised, listeners notified) ----

    /**
     * Makes a new random key current; the previous keys keep opening tickets until retired.
     *
     * @return the ticket key: makes a new random key current; the previous keys keep opening tickets until
     *         retired
     */
    public TicketKey rotate() {
        return rotateTo(newKey());
    }

    /**
     * Makes {@code key} current (created now); the previous keys keep opening tickets until
     * retired. If {@code key} was already in the ring, it moves to the front.
     *
     * @param key the key
     * @return the ticket key: makes {@code key} current (created now); the previous keys keep opening tickets
     *         until retired
     */
    public TicketKey rotateTo(TicketKey key) {
        Objects.requireNonNull(key, "key");
        synchronized (changeLock) {
            change(rotated(state, key, clock.instant()), "rotate");
        }
        return key;
    }

    /**
     * The snapshot {@code from} would become after a rotation to {@code key} at {@code now}: one
     * generation later, {@code key} first, keys retired at {@code now} dropped. Does not change
     * this ring (a shared source builds the next shared state with it).
     *
     * @param from the from
     * @param key the key
     * @param now the now
     * @return the snapshot {@code from} would become after a rotation to {@code key} at {@code now}: one
     *         generation later, {@code key} first, keys retired at {@code now} dropped
     */
    public Snapshot rotated(Snapshot from, TicketKey key, Instant now) {
        List<Entry> keys = new ArrayList<>();
        keys.add(new Entry(key, now));
        for (Entry entry : from.keys()) {
            if (!entry.key().hasName(key.name()) && !isRetired(entry, now)) {
                keys.add(entry);
            }
        }
        return new Snapshot(from.generation() + 1, keys);
    }

    /**
     * Rotates if the current key is at least {@code rotationInterval} old, and drops retired
     * keys in any case.
     *
     * @return whether a rotation happened
     */
    public boolean rotateIfDue() {
        synchronized (changeLock) {
            if (isRotationDue()) {
                rotate();
                return true;
            }
            retireExpired();
            return false;
        }
    }

    /**
     * Drops the keys older than {@code decryptLifetime} (never the current key).
     *
     * @return how many keys were dropped
     */
    public int retireExpired() {
        synchronized (changeLock) {
            Snapshot before = state;
            Instant now = clock.instant();
            List<Entry> kept = new ArrayList<>();
            kept.add(before.keys().getFirst());
            for (Entry entry : before.keys().subList(1, before.keys().size())) {
                if (!isRetired(entry, now)) {
                    kept.add(entry);
                }
            }
            int dropped = before.keys().size() - kept.size();
            if (dropped > 0) {
                change(new Snapshot(before.generation() + 1, kept), "retire");
            }
            return dropped;
        }
    }

    /**
     * Node's {@code server.setTicketKeys(keys)}: the 48-byte key becomes the only key, so
     * tickets sealed with the previous keys no longer resume (as in Node). Use
     * {@link #rotateTo(TicketKey)} to keep them.
     *
     * @param keys the keys
     * @throws IllegalArgumentException if {@code keys} is not 48 bytes long
     */
    public void setTicketKeys(byte[] keys) {
        TicketKey key = TicketKey.fromNodeBytes(keys);
        synchronized (changeLock) {
            Snapshot before = state;
            if (before.keys().size() == 1 && before.current().equals(key)) {
                return;
            }
            change(new Snapshot(before.generation() + 1, List.of(new Entry(key, clock.instant()))), "setTicketKeys");
        }
    }

    /**
     * Replaces the whole state with {@code snapshot} (typically read from a
     * {@link TicketKeyRingSource}); listeners are notified when it differs from the current
     * state.
     *
     * @param snapshot the snapshot
     * @return whether the state changed
     */
    public boolean apply(Snapshot snapshot) {
        Objects.requireNonNull(snapshot, "snapshot");
        synchronized (changeLock) {
            if (snapshot.equals(state)) {
                return false;
            }
            change(snapshot, "apply");
            return true;
        }
    }

    /**
     * Calls {@link #rotateIfDue()} every {@code checkEvery} on {@code executor}, starting now.
     * Cancel the returned future to stop. Because the check compares key ages with the clock,
     * checking often does not rotate more often; check at least a few times per
     * {@code rotationInterval} (for example every minute). Errors are logged and the schedule
     * goes on.
     *
     * @param executor the executor
     * @param checkEvery the check every
     * @return the scheduled future: calls {@link #rotateIfDue()} every {@code checkEvery} on {@code
     *         executor}, starting now
     */
    public ScheduledFuture<?> scheduleRotation(ScheduledExecutorService executor, Duration checkEvery) {
        Objects.requireNonNull(executor, "executor");
        requirePositive(checkEvery, "checkEvery");
        return executor.scheduleWithFixedDelay(() -> {
            try {
                rotateIfDue();
            } catch (RuntimeException | Error e) {
                LOG.log(System.Logger.Level.ERROR, "ticket key rotation failed", e);
            }
        }, 0, checkEvery.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Calls {@code listener} with the new snapshot after every change (see the class doc).
     *
     * @param listener the listener
     */
    public void addListener(Consumer<Snapshot> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Stops telling {@code listener} about rotations.
     *
     * @param listener the listener
     */
    public void removeListener(Consumer<Snapshot> listener) {
        listeners.remove(listener);
    }

    /** Installs {@code next} (under the change lock), records it as {@code io.jtls.TicketKeyRotation}, tells the listeners. */
    private void change(Snapshot next, String why) {
        state = next;
        if (TicketKeyChangeEvent.PROBE.isEnabled()) {
            TicketKeyChangeEvent event = new TicketKeyChangeEvent();
            if (event.shouldCommit()) {
                event.change = why;
                event.generation = next.generation();
                event.keys = next.keys().size();
                event.currentKeyName = HexFormat.of().formatHex(next.current().name());
                event.commit();
            }
        }
        for (Consumer<Snapshot> listener : listeners) {
            try {
                listener.accept(next);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "ticket key listener failed", e);
            }
        }
    }

    private boolean isRetired(Entry entry, Instant now) {
        return !entry.created().plus(decryptLifetime).isAfter(now);
    }

    private TicketKey newKey() {
        return TicketKey.generate(random);
    }

    private static void requirePositive(Duration duration, String what) {
        Objects.requireNonNull(duration, what);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, got " + duration);
        }
    }

    /**
     * A key of a ring and when it was made current, to the millisecond.
     *
     * @param key the key
     * @param created the created
     */
    public record Entry(TicketKey key, Instant created) {
        /** Checks and keeps the values. */
        public Entry {
            Objects.requireNonNull(key, "key");
            created = Objects.requireNonNull(created, "created").truncatedTo(ChronoUnit.MILLIS);
        }
    }

    /**
     * The state of a ring at one moment: its keys, current first then newest first, and a
     * generation number that grows by one with each change (so that processes sharing a ring
     * can tell newer from older). Immutable; serialises to a versioned binary form.
     *
     * <h2>Binary form, version 1 (big-endian)</h2>
     * <pre>
     * 4 bytes  magic "JTKR"
     * 1 byte   format version (1)
     * 8 bytes  generation
     * 2 bytes  number of keys n (1..1024)
     * n times: 8 bytes creation time (milliseconds since the epoch), 48 bytes key (Node's layout)
     * </pre>
     * The bytes hold the secrets in clear: store and send them only where the keys themselves
     * may go.
     *
     * @param generation the generation
     * @param keys the keys
     */
    public record Snapshot(long generation, List<Entry> keys) {
        /** The format version {@link #toBytes()} writes. */
        public static final int FORMAT_VERSION = 1;
        /** The most keys a snapshot may hold. */
        public static final int MAX_KEYS = 1024;

        private static final int MAGIC = 0x4A544B52; // "JTKR"
        private static final int HEADER_LENGTH = 4 + 1 + 8 + 2;
        private static final int ENTRY_LENGTH = 8 + TicketKey.NODE_LENGTH;

        /** Checks and keeps the values. */
        public Snapshot {
            if (generation < 0) {
                throw new IllegalArgumentException("generation must not be negative: " + generation);
            }
            keys = List.copyOf(keys);
            if (keys.isEmpty() || keys.size() > MAX_KEYS) {
                throw new IllegalArgumentException("a ring holds 1 to " + MAX_KEYS + " keys, got " + keys.size());
            }
            for (int i = 0; i < keys.size(); i++) {
                for (int j = 0; j < i; j++) {
                    if (keys.get(i).key().hasName(keys.get(j).key().name())) {
                        throw new IllegalArgumentException(
                                "two keys are named " + keys.get(i).key().nameHex());
                    }
                }
            }
        }

        /**
         * A one-key snapshot, as Node's {@code ticketKeys} describes.
         *
         * @param key the key
         * @param created the created
         * @return a one-key snapshot, as Node's {@code ticketKeys} describes
         */
        public static Snapshot of(TicketKey key, Instant created) {
            return new Snapshot(0, List.of(new Entry(key, created)));
        }

        /**
         * The key that seals new tickets.
         *
         * @return the key that seals new tickets
         */
        public TicketKey current() {
            return keys.getFirst().key();
        }

        /**
         * The key named {@code name}, or {@code null} (retirement is not checked here).
         *
         * @param name the name
         * @return the key named {@code name}, or {@code null} (retirement is not checked here)
         */
        public TicketKey find(byte[] name) {
            for (Entry entry : keys) {
                if (entry.key().hasName(name)) {
                    return entry.key();
                }
            }
            return null;
        }

        /**
         * This snapshot in the binary form above.
         *
         * @return this snapshot in the binary form above
         */
        public byte[] toBytes() {
            ByteBuffer out = ByteBuffer.allocate(HEADER_LENGTH + keys.size() * ENTRY_LENGTH);
            out.putInt(MAGIC).put((byte) FORMAT_VERSION).putLong(generation).putShort((short) keys.size());
            byte[] key = new byte[TicketKey.NODE_LENGTH];
            for (Entry entry : keys) {
                out.putLong(entry.created().toEpochMilli());
                entry.key().writeTo(key, 0);
                out.put(key);
            }
            return out.array();
        }

        /**
         * The snapshot written by {@link #toBytes()}.
         *
         * @param bytes the bytes
         * @return the snapshot written by {@link #toBytes()}
         * @throws IllegalArgumentException if {@code bytes} is not a snapshot of a known version
         */
        public static Snapshot fromBytes(byte[] bytes) {
            Objects.requireNonNull(bytes, "bytes");
            if (bytes.length < HEADER_LENGTH) {
                throw new IllegalArgumentException("not a ticket key ring snapshot: " + bytes.length + " bytes");
            }
            ByteBuffer in = ByteBuffer.wrap(bytes);
            if (in.getInt() != MAGIC) {
                throw new IllegalArgumentException("not a ticket key ring snapshot: bad magic");
            }
            int version = Byte.toUnsignedInt(in.get());
            if (version != FORMAT_VERSION) {
                throw new IllegalArgumentException("unsupported ticket key ring snapshot version " + version);
            }
            long generation = in.getLong();
            int count = Short.toUnsignedInt(in.getShort());
            if (bytes.length != HEADER_LENGTH + count * ENTRY_LENGTH) {
                throw new IllegalArgumentException("ticket key ring snapshot of " + count
                        + " keys must be " + (HEADER_LENGTH + count * ENTRY_LENGTH) + " bytes, got " + bytes.length);
            }
            List<Entry> keys = new ArrayList<>(count);
            byte[] key = new byte[TicketKey.NODE_LENGTH];
            for (int i = 0; i < count; i++) {
                Instant created = Instant.ofEpochMilli(in.getLong());
                in.get(key);
                keys.add(new Entry(TicketKey.fromNodeBytes(key), created));
            }
            return new Snapshot(generation, keys);
        }

        @Override
        public String toString() {
            StringBuilder names = new StringBuilder();
            for (Entry entry : keys) {
                names.append(names.isEmpty() ? "" : ", ").append(entry.key().nameHex()).append('@').append(entry.created());
            }
            return "Snapshot[generation=" + generation + ", keys=[" + names + "]]";
        }
    }

    /** Settings of a {@link TicketKeyRing}. */
    public static final class Builder {
        private Duration rotationInterval = DEFAULT_ROTATION_INTERVAL;
        private Duration decryptLifetime = DEFAULT_DECRYPT_LIFETIME;
        private InstantSource clock = InstantSource.system();
        private SecureRandom random = new SecureRandom();
        private TicketKey initialKey;
        private Snapshot initial;

        private Builder() {
        }

        /**
         * How long a key seals new tickets before {@link #rotateIfDue()} replaces it (default 12 h).
         *
         * @param rotationInterval the rotation interval
         * @return this builder
         */
        public Builder rotationInterval(Duration rotationInterval) {
            requirePositive(rotationInterval, "rotationInterval");
            this.rotationInterval = rotationInterval;
            return this;
        }

        /**
         * How long after its creation a key still opens tickets (default 24 h); must exceed the rotation interval.
         *
         * @param decryptLifetime the decrypt lifetime
         * @return this builder
         */
        public Builder decryptLifetime(Duration decryptLifetime) {
            requirePositive(decryptLifetime, "decryptLifetime");
            this.decryptLifetime = decryptLifetime;
            return this;
        }

        /**
         * The clock that dates keys (default: the system clock). Tests pass a fake one.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Where new keys come from (default: a new {@link SecureRandom}).
         *
         * @param random the random
         * @return this builder
         */
        public Builder random(SecureRandom random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /**
         * The first current key, created now (default: a random key).
         *
         * @param key the key
         * @return this builder
         */
        public Builder initialKey(TicketKey key) {
            this.initialKey = Objects.requireNonNull(key, "key");
            this.initial = null;
            return this;
        }

        /**
         * The whole first state, for example restored from a shared source.
         *
         * @param snapshot the snapshot
         * @return this builder
         */
        public Builder initial(Snapshot snapshot) {
            this.initial = Objects.requireNonNull(snapshot, "snapshot");
            this.initialKey = null;
            return this;
        }

        /**
         * The ring, with its first key.
         *
         * @return the ring
         * @throws IllegalArgumentException if {@code decryptLifetime <= rotationInterval}
         */
        public TicketKeyRing build() {
            if (decryptLifetime.compareTo(rotationInterval) <= 0) {
                throw new IllegalArgumentException("decryptLifetime (" + decryptLifetime
                        + ") must be longer than rotationInterval (" + rotationInterval + ")");
            }
            if (initialKey != null) {
                initial = Snapshot.of(initialKey, clock.instant());
            }
            return new TicketKeyRing(this);
        }
    }
}
