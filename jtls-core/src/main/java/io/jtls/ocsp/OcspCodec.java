package io.jtls.ocsp;

import io.jtls.internal.openssl.ErrorQueue;
import io.jtls.internal.openssl.NativeHandle;
import io.jtls.internal.openssl.NativeKind;
import io.jtls.internal.openssl.OcspCalls;
import io.jtls.internal.openssl.StackCalls;
import io.jtls.internal.openssl.Types;
import io.jtls.internal.openssl.X509FieldCalls;
import io.jtls.internal.openssl.X509StoreCalls;
import io.jtls.internal.x509.CertificateReader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * OCSP requests and responses through OpenSSL (RFC 6960): the request for one certificate
 * (SHA-1 CertID, no nonce, so that a responder and a cache may answer it with a pre-signed
 * response), and what a response says about that certificate. Every native object is freed
 * before a method returns. Thread-safe: each call works on its own objects.
 */
final class OcspCodec {
    private OcspCodec() {}

    /** What a successful response says about the certificate it was asked about. */
    record Status(int certStatus, Instant thisUpdate, Instant nextUpdate) {
        static final int GOOD = OcspCalls.V_OCSP_CERTSTATUS_GOOD;

        /** {@code good}, {@code revoked} or {@code unknown}. */
        String name() {
            return switch (certStatus) {
                case OcspCalls.V_OCSP_CERTSTATUS_GOOD -> "good";
                case OcspCalls.V_OCSP_CERTSTATUS_REVOKED -> "revoked";
                default -> "unknown";
            };
        }
    }

    /** A response that cannot be stapled: not successful, not for this certificate, malformed. */
    static final class BadResponse extends Exception {
        BadResponse(String message) {
            super(message);
        }
    }

    /** The DER of an OCSP request for {@code certificate} issued by {@code issuer} (both DER). */
    static byte[] request(byte[] certificate, byte[] issuer) {
        try (NativeHandle request = own(NativeKind.OCSP_REQUEST, OcspCalls.OCSP_REQUEST_new(), "OCSP_REQUEST_new")) {
            NativeHandle id = certId(certificate, issuer);
            if (Types.isNull(OcspCalls.OCSP_request_add0_id(request.get(), id.get()))) {
                id.close();
                throw ErrorQueue.exception("OCSP_request_add0_id", "ERR_OSSL_OCSP_ERROR");
            }
            id.release(); // the request owns it now
            return encode(request.get());
        }
    }

    /**
     * What {@code response} (DER) says about {@code certificate}, once its signature is checked:
     * made by {@code issuer} itself, or by a responder certificate that {@code issuer} delegated
     * (OCSPSigning), as RFC 6960 section 4.2.2.2 requires.
     *
     * @throws BadResponse when the response is not successful, has no basic response, is not
     *                     signed by the issuer or its delegate, or says nothing about this certificate
     */
    static Status status(byte[] response, byte[] certificate, byte[] issuer) throws BadResponse {
        try (Arena arena = Arena.ofConfined();
             NativeHandle parsed = decodeResponse(arena, response)) {
            int responseStatus = OcspCalls.OCSP_response_status(parsed.get());
            if (responseStatus != OcspCalls.OCSP_RESPONSE_STATUS_SUCCESSFUL) {
                throw new BadResponse("OCSP response status " + responseStatus + " (not successful)");
            }
            MemorySegment basicPointer = OcspCalls.OCSP_response_get1_basic(parsed.get());
            if (Types.isNull(basicPointer)) {
                ErrorQueue.clear();
                throw new BadResponse("OCSP response without a basic response");
            }
            try (NativeHandle basic = NativeHandle.own(NativeKind.OCSP_BASICRESP, basicPointer);
                 NativeHandle id = certId(certificate, issuer)) {
                verifySignature(basic.get(), issuer);
                MemorySegment status = arena.allocate(ValueLayout.JAVA_INT);
                MemorySegment reason = arena.allocate(ValueLayout.JAVA_INT);
                MemorySegment revoked = arena.allocate(ValueLayout.ADDRESS);
                MemorySegment thisUpdate = arena.allocate(ValueLayout.ADDRESS);
                MemorySegment nextUpdate = arena.allocate(ValueLayout.ADDRESS);
                if (OcspCalls.OCSP_resp_find_status(basic.get(), id.get(), status, reason, revoked, thisUpdate, nextUpdate) != 1) {
                    ErrorQueue.clear();
                    throw new BadResponse("OCSP response says nothing about this certificate");
                }
                Instant thisTime = instant(arena, thisUpdate.get(ValueLayout.ADDRESS, 0)); // borrowed from basic
                Instant nextTime = instant(arena, nextUpdate.get(ValueLayout.ADDRESS, 0));
                if (thisTime == null) {
                    throw new BadResponse("OCSP response without a readable thisUpdate");
                }
                return new Status(status.get(ValueLayout.JAVA_INT, 0), thisTime, nextTime);
            }
        }
    }

    /**
     * {@code OCSP_basic_verify} with the issuer as the only trust: {@code OCSP_TRUSTOTHER} accepts
     * a response the issuer signed; a delegated responder's certificate (carried in the response)
     * must chain to the issuer (a partial chain: the issuer may be an intermediate) and carry
     * OCSPSigning, which OpenSSL checks.
     */
    private static void verifySignature(MemorySegment basic, byte[] issuer) throws BadResponse {
        try (NativeHandle issuerCert = x509(issuer);
             NativeHandle certs = own(NativeKind.OPENSSL_STACK, StackCalls.OPENSSL_sk_new_null(), "OPENSSL_sk_new_null");
             NativeHandle store = own(NativeKind.X509_STORE, X509StoreCalls.X509_STORE_new(), "X509_STORE_new")) {
            if (X509StoreCalls.X509_STORE_add_cert(store.get(), issuerCert.get()) != 1 // the store takes a reference
                    || StackCalls.OPENSSL_sk_push(certs.get(), issuerCert.get()) <= 0) { // borrowed: freed without its elements
                throw ErrorQueue.exception("X509_STORE_add_cert", "ERR_OSSL_MALLOC_FAILURE");
            }
            X509StoreCalls.X509_STORE_set_flags(store.get(), OcspCalls.X509_V_FLAG_PARTIAL_CHAIN);
            ErrorQueue.clear();
            if (OcspCalls.OCSP_basic_verify(basic, certs.get(), store.get(), OcspCalls.OCSP_TRUSTOTHER) <= 0) {
                var errors = ErrorQueue.drain();
                throw new BadResponse("OCSP response not signed by the issuer or its responder"
                        + (errors.isEmpty() ? "" : " (" + errors.getFirst().text() + ")"));
            }
        }
    }

    private static NativeHandle decodeResponse(Arena arena, byte[] der) throws BadResponse {
        MemorySegment data = arena.allocateFrom(ValueLayout.JAVA_BYTE, der);
        MemorySegment cursor = arena.allocate(ValueLayout.ADDRESS);
        cursor.set(ValueLayout.ADDRESS, 0, data);
        ErrorQueue.clear();
        MemorySegment response = OcspCalls.d2i_OCSP_RESPONSE(MemorySegment.NULL, cursor, der.length);
        if (Types.isNull(response)) {
            ErrorQueue.clear();
            throw new BadResponse("not an OCSP response (" + der.length + " bytes)");
        }
        return NativeHandle.own(NativeKind.OCSP_RESPONSE, response);
    }

    /** The SHA-1 CertID of {@code certificate} under {@code issuer}, owned by the caller. */
    private static NativeHandle certId(byte[] certificate, byte[] issuer) {
        try (NativeHandle subject = x509(certificate); NativeHandle issuerCert = x509(issuer)) {
            ErrorQueue.clear();
            return own(NativeKind.OCSP_CERTID, OcspCalls.OCSP_cert_to_id(MemorySegment.NULL, subject.get(), issuerCert.get()),
                    "OCSP_cert_to_id");
        }
    }

    private static NativeHandle x509(byte[] der) {
        return CertificateReader.parseDer(der);
    }

    private static byte[] encode(MemorySegment request) {
        ErrorQueue.clear();
        int length = OcspCalls.i2d_OCSP_REQUEST(request, MemorySegment.NULL);
        if (length <= 0) {
            throw ErrorQueue.exception("i2d_OCSP_REQUEST", "ERR_OSSL_ASN1_ENCODE_ERROR");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(length);
            MemorySegment cursor = arena.allocate(ValueLayout.ADDRESS);
            cursor.set(ValueLayout.ADDRESS, 0, buffer);
            if (OcspCalls.i2d_OCSP_REQUEST(request, cursor) != length) {
                throw ErrorQueue.exception("i2d_OCSP_REQUEST", "ERR_OSSL_ASN1_ENCODE_ERROR");
            }
            return buffer.toArray(ValueLayout.JAVA_BYTE);
        }
    }

    /** An {@code ASN1_GENERALIZEDTIME} (borrowed) as an instant, through {@code ASN1_TIME_to_tm}; null for NULL. */
    private static Instant instant(Arena arena, MemorySegment time) throws BadResponse {
        if (Types.isNull(time)) {
            return null;
        }
        MemorySegment tm = arena.allocate(X509FieldCalls.STRUCT_TM_SIZE, 8);
        if (X509FieldCalls.ASN1_TIME_to_tm(time, tm) != 1) {
            ErrorQueue.clear();
            throw new BadResponse("OCSP response with an unreadable time");
        }
        int[] f = tm.asSlice(0, 6 * 4).toArray(ValueLayout.JAVA_INT); // sec, min, hour, mday, mon, year
        try {
            return LocalDateTime.of(f[5] + 1900, f[4] + 1, f[3], f[2], f[1], f[0]).toInstant(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            throw new BadResponse("OCSP response with an invalid time");
        }
    }

    private static NativeHandle own(NativeKind kind, MemorySegment pointer, String call) {
        if (Types.isNull(pointer)) {
            throw ErrorQueue.exception(call, "ERR_OSSL_OCSP_ERROR");
        }
        return NativeHandle.own(kind, pointer);
    }
}
