package io.jtls.internal.engine;

/**
 * What a client that asked for an OCSP staple ({@link TlsEngine#requestOcsp()}) found in the
 * server's certificate flight, captured inside OpenSSL's status callback: Node emits
 * {@code 'OCSPResponse'} from there, with {@code undefined} when the server stapled nothing.
 *
 * @param der the DER-encoded OCSP response the server stapled, or null when it stapled none
 */
public record OcspResponse(byte[] der) {
}
