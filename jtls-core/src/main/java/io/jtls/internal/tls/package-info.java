/**
 * The machinery under {@link io.jtls.TlsSocket} and {@link io.jtls.TlsServer}, each piece with
 * one job: {@link io.jtls.internal.tls.LoopBuffers} (the per-thread direct buffers the data path
 * borrows, so an idle connection holds none), {@link io.jtls.internal.tls.PlaintextQueue}
 * (writes held during the handshake or while the transport pushes back, coalesced into full
 * records), {@link io.jtls.internal.tls.ServerNamePattern} (Node's {@code addContext} matching),
 * {@link io.jtls.internal.tls.HandshakeRecordWatch} and
 * {@link io.jtls.internal.tls.RenegotiationLimit} (Node's renegotiation guard), and
 * {@link io.jtls.internal.tls.Warnings} (Node's once-per-process warnings).
 *
 * <p>The socket itself drives the engine ({@code io.jtls.internal.engine.TlsEngine}) over its
 * transport, following Node's {@code lib/_tls_wrap.js}: ciphertext from the transport's raw
 * reader goes straight into the engine's input BIO, plaintext comes out into a loop buffer and
 * is pushed, ciphertext for the peer goes out through a loop buffer with
 * {@code writeBorrowed}. Everything here runs on the connection's event-loop thread.
 */
package io.jtls.internal.tls;
