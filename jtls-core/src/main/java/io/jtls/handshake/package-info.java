/**
 * What a completed handshake tells about a connection, as Node's {@code tlsSocket} methods
 * return it: {@link io.jtls.handshake.CipherInfo} ({@code getCipher()}) and
 * {@link io.jtls.handshake.EphemeralKeyInfo} ({@code getEphemeralKeyInfo()}). Immutable
 * values, safe to read from any thread.
 */
package io.jtls.handshake;
