/**
 * Blocking streams over jtls connections, for code written one (virtual) thread per connection.
 *
 * <p>{@link io.jtls.blocking.BlockingTls#connect BlockingTls.connect} returns once a client
 * connection is secure and verified; {@link io.jtls.blocking.BlockingTlsServer#accept()} returns
 * the next secure server connection. Each is a {@link io.jtls.blocking.BlockingStreams}: an
 * {@link java.io.InputStream} whose reads wait for data or end of stream and an
 * {@link java.io.OutputStream} whose writes wait while the socket's write queue is full. Flow
 * control is Node's: a connection whose reader falls behind is paused (the peer then meets TCP
 * backpressure) and resumed as the reader catches up; a writer waits for {@code 'drain'}.
 *
 * <h2>Threading rule: never block a loop thread</h2>
 * The connections themselves still run on jtls's event loops, where many connections share one
 * thread. Every method here that can wait ({@code read}, {@code write}, {@code accept},
 * {@code connect}, {@code listen}) must be called from a thread of your own, ideally a virtual
 * thread per connection. Called on an event-loop thread (from inside any jtls listener or
 * callback: {@code 'data'}, {@code 'secureConnection'}, an SNI callback...) they throw
 * {@link java.lang.IllegalStateException} at once instead of freezing that loop and every
 * connection on it. Creating the view ({@link io.jtls.blocking.BlockingStreams#of}) and closing it
 * never wait and may be called anywhere.
 *
 * <h2>Errors</h2>
 * A failure of the connection (a reset, a TLS alert, a failed verification) surfaces from the
 * next {@code read} or {@code write} as a {@link io.jtls.blocking.TlsIOException} whose cause is
 * the error Node would emit, and whose {@link io.jtls.blocking.TlsIOException#code()} is that
 * error's Node code ({@code ECONNRESET}, {@code UNABLE_TO_VERIFY_LEAF_SIGNATURE}, ...).
 */
package io.jtls.blocking;
