package io.jtls.session;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where a server keeps TLS sessions by session id, so that a client presenting the id again
 * (TLS 1.2 session-id resumption) resumes instead of making a full handshake: the pluggable
 * form of Node's {@code 'newSession'} and {@code 'resumeSession'} listeners.
 *
 * <p>Node leaves storage to hand-written listeners ("servers must use a shared session cache
 * (such as Redis) in their session handlers"). A server given a {@code SessionStore} installs
 * those listeners itself ({@link SessionStoreListeners}): at {@code 'newSession'} it calls
 * {@link #put}, at {@code 'resumeSession'} it calls {@link #get}. Session tickets need no store;
 * they are sealed with the keys of a {@link TicketKeyRing}.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Ids are compared as bytes</b>: two ids are the same key when their bytes are equal
 *       (no charset, no hex). A TLS session id is 1 to 32 bytes; stores must not assume
 *       more.</li>
 *   <li><b>Values are opaque bytes</b>: the serialised session ({@code i2d_SSL_SESSION}). They
 *       hold the session's master secret: a shared store must be as protected as the keys
 *       themselves.</li>
 *   <li><b>Asynchronous</b>: every operation returns at once; its stage completes later, or at
 *       once for an in-memory store. Completions may happen on <em>any</em> thread (the
 *       caller's, a client library's I/O thread, a timer thread); the server hands them back
 *       to the connection's event loop, and a store never needs to know about loops.</li>
 *   <li><b>Failures complete the stage exceptionally</b> and are never thrown from the method
 *       (only programming errors are: {@code null} arguments, a non-positive {@code ttl}).
 *       A failed {@code get} is not "missing": {@link SessionStoreListeners} reports it and, by
 *       default, lets the handshake go on as a full handshake, because a session cache is an
 *       optimisation and Node documents that failed resumption simply creates a new session.
 *       Node's own {@code resumeSession} callback treats {@code callback(err)} differently: it
 *       destroys the socket ("terminate the incoming connection"); choose that with
 *       {@link SessionStoreListeners.OnStoreFailure#DESTROY}.</li>
 *   <li><b>Expiry</b>: an entry lives {@code ttl} (the server passes its
 *       {@code sessionTimeout}, 300 s by default as in Node); after that {@code get} completes
 *       with {@code null}, as for an id never stored.</li>
 *   <li><b>Copies</b>: a store must not keep the caller's arrays nor return arrays it keeps;
 *       callers may reuse their buffers.</li>
 * </ul>
 */
public interface SessionStore {
    /**
     * Stores {@code data} under {@code id} for {@code ttl}, replacing any earlier entry.
     *
     * @param id the id
     * @param data the bytes
     * @param ttl the ttl
     * @return the completion stage: stores {@code data} under {@code id} for {@code ttl}, replacing any
     *         earlier entry
     * @throws IllegalArgumentException if {@code ttl} is zero or negative
     */
    CompletionStage<Void> put(byte[] id, byte[] data, Duration ttl);

    /**
     * The data stored under {@code id}, or {@code null} when there is none or it expired.
     *
     * @param id the id
     * @return the data stored under {@code id}, or {@code null} when there is none or it expired
     */
    CompletionStage<byte[]> get(byte[] id);

    /**
     * Removes the entry under {@code id}, if any (for a session OpenSSL marks as not
     * resumable). Stores that cannot remove let entries expire: the default completes with
     * {@link UnsupportedOperationException}.
     *
     * @param id the id
     * @return the completion stage: removes the entry under {@code id}, if any (for a session OpenSSL marks
     *         as not resumable)
     */
    default CompletionStage<Void> remove(byte[] id) {
        return CompletableFuture.failedFuture(
                new UnsupportedOperationException(getClass().getName() + " cannot remove sessions"));
    }

    /**
     * Throws unless {@code ttl} is positive: the check every {@link #put} makes first.
     *
     * @param ttl the ttl
     */
    static void requirePositiveTtl(Duration ttl) {
        if (ttl == null) {
            throw new NullPointerException("ttl");
        }
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive, got " + ttl);
        }
    }
}
