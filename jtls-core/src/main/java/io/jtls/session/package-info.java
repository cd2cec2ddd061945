/**
 * Session resumption for servers, as parts a server plugs in: where sessions are kept
 * ({@link io.jtls.session.SessionStore}, {@link io.jtls.session.InMemorySessionStore}, and
 * {@link io.jtls.session.SessionStoreListeners} for Node's {@code 'newSession'} and
 * {@code 'resumeSession'} events) and the keys that seal session tickets
 * ({@link io.jtls.session.TicketKey} in Node's 48-byte layout, rotated by a
 * {@link io.jtls.session.TicketKeyRing}, shared through a
 * {@link io.jtls.session.TicketKeyRingSource}).
 *
 * <p>Everything here is plain Java with no native state: values are immutable or
 * thread-safe, asynchronous results are {@link java.util.concurrent.CompletionStage}s that may
 * complete on any thread.
 */
package io.jtls.session;
