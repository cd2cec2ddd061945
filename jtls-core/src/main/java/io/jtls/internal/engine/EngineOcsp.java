package io.jtls.internal.engine;

import io.jtls.internal.openssl.CryptoCalls;
import io.jtls.internal.openssl.ErrorQueue;
import io.jtls.internal.openssl.OcspCalls;
import io.jtls.internal.openssl.SslCalls;
import io.jtls.internal.openssl.Types;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One connection's OCSP stapling (the engine's part of Node's {@code requestOCSP},
 * {@code 'OCSPRequest'} and {@code 'OCSPResponse'}). A client asks for a staple
 * ({@code status_request}) and keeps what the status callback found for the layer above; a server
 * hands its response to OpenSSL while paused at the certificate callback, so it is in place before
 * the status callback runs, which OpenSSL calls right after the certificate callback and before it
 * writes the Certificate message, in TLS 1.3 as in TLS 1.2. Confined to the engine's thread.
 */
final class EngineOcsp {
    /** Server: a response was handed to OpenSSL for this handshake. */
    private boolean stapled;
    /** Client: what the status callback found, until the layer above takes it. */
    private OcspResponse received;

    /** {@code SSL_set_tlsext_status_type(ssl, TLSEXT_STATUSTYPE_ocsp)}: the ClientHello asks for a staple. */
    void request(MemorySegment ssl) {
        ErrorQueue.clear();
        if (SslCalls.SSL_set_tlsext_status_type(ssl, SslCalls.TLSEXT_STATUSTYPE_ocsp) != 1) {
            throw ErrorQueue.exception("SSL_set_tlsext_status_type", "ERR_OSSL_MALLOC_FAILURE");
        }
    }

    /**
     * Hands {@code der} to OpenSSL as this handshake's staple: a copy in OpenSSL's own memory,
     * which the {@code SSL} owns and frees from then on.
     */
    void staple(MemorySegment ssl, byte[] der) {
        ErrorQueue.clear();
        MemorySegment copy = CryptoCalls.OPENSSL_malloc(der.length);
        if (Types.isNull(copy)) {
            throw ErrorQueue.exception("OPENSSL_malloc", "ERR_OSSL_MALLOC_FAILURE");
        }
        MemorySegment.copy(der, 0, copy.reinterpret(der.length), ValueLayout.JAVA_BYTE, 0, der.length);
        if (OcspCalls.SSL_set_tlsext_status_ocsp_resp(ssl, copy, der.length) != 1) {
            CryptoCalls.OPENSSL_free(copy); // not taken
            throw ErrorQueue.exception("SSL_set_tlsext_status_ocsp_resp", "ERR_OSSL_MALLOC_FAILURE");
        }
        stapled = true;
    }

    /** The status callback: see {@link EngineUpcalls#ocspStatus}. */
    int onStatus(MemorySegment ssl, boolean server) {
        if (server) {
            return stapled ? SslCalls.SSL_TLSEXT_ERR_OK : SslCalls.SSL_TLSEXT_ERR_NOACK;
        }
        received = new OcspResponse(held(ssl));
        return 1;
    }

    /**
     * Client: the staple OpenSSL holds now, or null. Read with the server's Certificate in TLS 1.3
     * (the leaf's status_request extension) and with its CertificateStatus message in TLS 1.2:
     * earlier than the status callback, which OpenSSL calls once the server's whole flight is in.
     */
    byte[] held(MemorySegment ssl) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            long length = OcspCalls.SSL_get_tlsext_status_ocsp_resp(ssl, out);
            MemorySegment response = out.get(ValueLayout.ADDRESS, 0);
            return length < 0 || Types.isNull(response) ? null : Types.bytes(response, length);
        }
    }

    /** What the status callback found and nobody took yet, or null. */
    OcspResponse take() {
        OcspResponse r = received;
        received = null;
        return r;
    }
}
