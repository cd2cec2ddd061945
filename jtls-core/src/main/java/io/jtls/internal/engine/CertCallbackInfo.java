package io.jtls.internal.engine;

/**
 * What Node hands its {@code oncertcb} hook: the SNI name and whether the client asked for
 * an OCSP staple. Captured inside OpenSSL's cert callback.
 *
 * @param servername  the SNI host name, or {@code ""} when none (as Node)
 * @param ocspRequest true when the client sent a status_request extension
 */
public record CertCallbackInfo(String servername, boolean ocspRequest) {
}
