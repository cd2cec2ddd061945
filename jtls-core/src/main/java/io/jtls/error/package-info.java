/**
 * jtls's exceptions, each carrying the {@code code} Node.js gives the same failure, so that
 * code written against Node's {@code err.code} ports line for line:
 * {@link io.jtls.error.TlsException} for TLS and OpenSSL failures (with
 * {@link io.jtls.error.OpenSslException} holding OpenSSL's error queue), and
 * {@link io.jtls.error.TlsArgumentException}/{@link io.jtls.error.TlsRangeException} where Node
 * throws a TypeError or RangeError for a bad argument. {@link io.jtls.error.NodeError} is the
 * view common to all of them.
 */
package io.jtls.error;
