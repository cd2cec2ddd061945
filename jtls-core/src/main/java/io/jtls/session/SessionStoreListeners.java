package io.jtls.session;

import io.jtls.internal.jfr.SessionStoreGetEvent;
import io.jtls.internal.jfr.SessionStorePutEvent;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Node's {@code 'newSession'} and {@code 'resumeSession'} listeners written once, on top of a
 * {@link SessionStore}: what a server installs when it is given a store instead of hand-written
 * listeners, and what an application can install itself:
 *
 * <pre>{@code
 * SessionStoreListeners sessions = SessionStoreListeners.builder(store).ttl(sessionTimeout).build();
 * server.on(TlsServer.NEW_SESSION, sessions::newSession);
 * server.on(TlsServer.RESUME_SESSION, (id, callback) -> sessions.resumeSession(id, callback::call));
 * }</pre>
 *
 * <h2>What each listener does</h2>
 * <ul>
 *   <li>{@link #newSession}: {@code store.put(id, data, ttl)}, then {@code done.run()}. By
 *       default it waits for the put, so that a client reconnecting at once, maybe to another
 *       process, finds the session; {@link Builder#waitForPut(boolean) waitForPut(false)} calls
 *       {@code done} at once instead. A failed or late put still calls {@code done}: the
 *       connection works, only its resumption is lost. Node's {@code done} cannot fail.</li>
 *   <li>{@link #resumeSession}: {@code store.get(id)}, then {@code callback(null, data)}
 *       ({@code data} is {@code null} for a miss, so the handshake goes on as a full one).
 *       A failed or late get ({@link Builder#storeTimeout storeTimeout}, default 2 s) is
 *       reported to the {@link Builder#onError error listener} and then, with
 *       {@link OnStoreFailure#FULL_HANDSHAKE} (the default), answered as a miss; with
 *       {@link OnStoreFailure#DESTROY}, as Node's {@code callback(err)}, which destroys the
 *       socket.</li>
 * </ul>
 * Each callback is called exactly once, on whatever thread the store completed on (or a timer
 * thread after a timeout); a store that throws instead of failing its stage is handled the
 * same way. The server moves the call to the connection's loop.
 *
 * <h2>Flight Recorder</h2>
 * Each get and put is a JFR event when a recording enables it: {@code io.jtls.SessionStoreGet}
 * (duration, {@code hit}, {@code failure}) and {@code io.jtls.SessionStorePut} (duration,
 * {@code size}, {@code failure}), the duration being the store's latency up to the completion
 * (or the timeout).
 */
public final class SessionStoreListeners {
    /** What a failed or late {@link SessionStore#get} does to the handshake. */
    public enum OnStoreFailure {
        /** Answer as a miss: the handshake goes on and makes a new session (the default). */
        FULL_HANDSHAKE,
        /** Answer {@code callback(err)}: Node then destroys the socket with {@code err}. */
        DESTROY
    }

    /** Node's default {@code sessionTimeout}: 300 seconds. */
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(300);
    /** How long a store operation may take before it counts as failed: 2 seconds. */
    public static final Duration DEFAULT_STORE_TIMEOUT = Duration.ofSeconds(2);

    private static final System.Logger LOG = System.getLogger(SessionStoreListeners.class.getName());

    private final SessionStore store;
    private final Duration ttl;
    private final Duration storeTimeout;
    private final OnStoreFailure onStoreFailure;
    private final boolean waitForPut;
    private final Consumer<Throwable> onError;

    private SessionStoreListeners(Builder builder) {
        this.store = builder.store;
        this.ttl = builder.ttl;
        this.storeTimeout = builder.storeTimeout;
        this.onStoreFailure = builder.onStoreFailure;
        this.waitForPut = builder.waitForPut;
        this.onError = builder.onError;
    }

    /**
     * A new builder.
     *
     * @param store the session store
     * @return a new builder
     */
    public static Builder builder(SessionStore store) {
        return new Builder(store);
    }

    /**
     * The store these listeners use.
     *
     * @return the store these listeners use
     */
    public SessionStore store() {
        return store;
    }

    /**
     * Node's {@code 'newSession'} listener: stores the session, then calls {@code done} exactly
     * once (after the put, or at once when not waiting for it).
     *
     * @param sessionId the session id
     * @param sessionData the serialized session
     * @param done the done
     */
    public void newSession(byte[] sessionId, byte[] sessionData, Runnable done) {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(sessionData, "sessionData");
        Objects.requireNonNull(done, "done");
        SessionStorePutEvent event = SessionStorePutEvent.PROBE.isEnabled() ? new SessionStorePutEvent() : null;
        if (event != null) {
            event.begin();
        }
        CompletableFuture<Void> put = withTimeout(() -> store.put(sessionId, sessionData, ttl));
        if (event != null) {
            put.whenComplete((ignored, error) -> recordPut(event, sessionData.length, error));
        }
        if (!waitForPut) {
            put.whenComplete((ignored, error) -> report("put", error));
            done.run();
            return;
        }
        put.whenComplete((ignored, error) -> {
            report("put", error);
            runCallback(done);
        });
    }

    /**
     * Node's {@code 'resumeSession'} listener: looks the session up, then calls
     * {@code callback(err, sessionData)} exactly once: {@code (null, data)} on a hit,
     * {@code (null, null)} on a miss, and on a failure {@code (null, null)} or
     * {@code (error, null)} as {@link OnStoreFailure} says.
     *
     * @param sessionId the session id
     * @param callback called when done
     */
    public void resumeSession(byte[] sessionId, BiConsumer<Throwable, byte[]> callback) {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(callback, "callback");
        SessionStoreGetEvent event = SessionStoreGetEvent.PROBE.isEnabled() ? new SessionStoreGetEvent() : null;
        if (event != null) {
            event.begin();
        }
        withTimeout(() -> store.get(sessionId)).whenComplete((data, error) -> {
            if (event != null) {
                recordGet(event, data != null && error == null, error);
            }
            if (error == null) {
                runCallback(() -> callback.accept(null, data));
                return;
            }
            report("get", error);
            Throwable err = onStoreFailure == OnStoreFailure.DESTROY ? unwrap(error) : null;
            runCallback(() -> callback.accept(err, null));
        });
    }

    private void recordGet(SessionStoreGetEvent event, boolean hit, Throwable error) {
        event.end();
        if (event.shouldCommit()) {
            event.store = store.getClass().getName();
            event.hit = hit;
            event.failure = describe(error);
            event.commit();
        }
    }

    private void recordPut(SessionStorePutEvent event, int size, Throwable error) {
        event.end();
        if (event.shouldCommit()) {
            event.store = store.getClass().getName();
            event.size = size;
            event.failure = describe(error);
            event.commit();
        }
    }

    /** A failure for an event: the cause's class and message (a timeout says so); null for none. */
    private String describe(Throwable error) {
        if (error == null) {
            return null;
        }
        Throwable cause = unwrap(error);
        return cause instanceof TimeoutException ? "timed out after " + storeTimeout : cause.toString();
    }

    private <T> CompletableFuture<T> withTimeout(java.util.function.Supplier<CompletionStage<T>> operation) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            CompletionStage<T> stage = operation.get();
            if (stage == null) {
                throw new NullPointerException(store.getClass().getName() + " returned a null stage");
            }
            stage.whenComplete((value, error) -> {
                if (error != null) {
                    result.completeExceptionally(error);
                } else {
                    result.complete(value);
                }
            });
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
        return result.orTimeout(storeTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void report(String operation, Throwable error) {
        if (error == null) {
            return;
        }
        Throwable cause = unwrap(error);
        if (cause instanceof TimeoutException) {
            cause = new TimeoutException("session store " + operation + " took longer than " + storeTimeout);
        }
        try {
            onError.accept(cause);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "session store error listener failed", e);
        }
    }

    /** Runs a server callback on a completion thread, where nobody would see its exception. */
    private static void runCallback(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.ERROR, "session callback failed", e);
            if (e instanceof Error error) {
                throw error;
            }
        }
    }

    private static Throwable unwrap(Throwable error) {
        while (error instanceof java.util.concurrent.CompletionException && error.getCause() != null) {
            error = error.getCause();
        }
        return error;
    }

    /** Settings of {@link SessionStoreListeners}. */
    public static final class Builder {
        private final SessionStore store;
        private Duration ttl = DEFAULT_TTL;
        private Duration storeTimeout = DEFAULT_STORE_TIMEOUT;
        private OnStoreFailure onStoreFailure = OnStoreFailure.FULL_HANDSHAKE;
        private boolean waitForPut = true;
        private Consumer<Throwable> onError = error ->
                LOG.log(System.Logger.Level.WARNING, "session store failed: " + error, error);

        private Builder(SessionStore store) {
            this.store = Objects.requireNonNull(store, "store");
        }

        /**
         * How long stored sessions live: the server's {@code sessionTimeout} (default 300 s).
         *
         * @param ttl the ttl
         * @return this builder
         */
        public Builder ttl(Duration ttl) {
            SessionStore.requirePositiveTtl(ttl);
            this.ttl = ttl;
            return this;
        }

        /**
         * How long a put or get may take before it counts as failed (default 2 s).
         *
         * @param storeTimeout the store timeout
         * @return this builder
         */
        public Builder storeTimeout(Duration storeTimeout) {
            Objects.requireNonNull(storeTimeout, "storeTimeout");
            if (storeTimeout.isNegative() || storeTimeout.isZero()) {
                throw new IllegalArgumentException("storeTimeout must be positive, got " + storeTimeout);
            }
            this.storeTimeout = storeTimeout;
            return this;
        }

        /**
         * What a failed get does to the handshake (default {@link OnStoreFailure#FULL_HANDSHAKE}).
         *
         * @param onStoreFailure called on {@code 'storeFailure'}
         * @return this builder
         */
        public Builder onStoreFailure(OnStoreFailure onStoreFailure) {
            this.onStoreFailure = Objects.requireNonNull(onStoreFailure, "onStoreFailure");
            return this;
        }

        /**
         * Whether {@code newSession} waits for the put before calling {@code done} (default true).
         *
         * @param waitForPut the wait for put
         * @return this builder
         */
        public Builder waitForPut(boolean waitForPut) {
            this.waitForPut = waitForPut;
            return this;
        }

        /**
         * Told about every failed or late store operation (default: logged as a warning).
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
         * @return the session store listeners: builds from the values set so far
         */
        public SessionStoreListeners build() {
            return new SessionStoreListeners(this);
        }
    }
}
