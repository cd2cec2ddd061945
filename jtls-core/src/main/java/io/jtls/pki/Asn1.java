package io.jtls.pki;

import io.jtls.internal.openssl.ErrorQueue;
import io.jtls.internal.openssl.NativeHandle;
import io.jtls.internal.openssl.NativeKind;
import io.jtls.internal.openssl.Types;
import io.jtls.internal.openssl.X509BuildCalls;
import io.jtls.internal.openssl.X509Calls;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import java.time.Instant;

/** Java values to and from the ASN.1 objects certificates are built of. */
final class Asn1 {
    private Asn1() {}

    /** An owned {@code ASN1_INTEGER} holding a non-negative value. */
    static NativeHandle integer(BigInteger value) {
        byte[] magnitude = value.toByteArray(); // big-endian two's complement; value >= 0
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bytes = arena.allocateFrom(ValueLayout.JAVA_BYTE, magnitude);
            ErrorQueue.clear();
            MemorySegment bn = X509BuildCalls.BN_bin2bn(bytes, magnitude.length, MemorySegment.NULL);
            if (Types.isNull(bn)) {
                throw ErrorQueue.exception("BN_bin2bn", "ERR_OSSL_BN_MALLOC_FAILURE");
            }
            try (NativeHandle bignum = NativeHandle.own(NativeKind.BIGNUM, bn)) {
                MemorySegment integer = X509BuildCalls.BN_to_ASN1_INTEGER(bignum.get(), MemorySegment.NULL);
                if (Types.isNull(integer)) {
                    throw ErrorQueue.exception("BN_to_ASN1_INTEGER", "ERR_OSSL_ASN1_MALLOC_FAILURE");
                }
                return NativeHandle.own(NativeKind.ASN1_INTEGER, integer);
            }
        }
    }

    /** An owned {@code ASN1_TIME}: UTCTime for 1950-2049, GeneralizedTime otherwise (RFC 5280). */
    static NativeHandle time(Instant instant) {
        ErrorQueue.clear();
        MemorySegment time = X509BuildCalls.ASN1_TIME_set(MemorySegment.NULL, instant.getEpochSecond());
        if (Types.isNull(time)) {
            throw ErrorQueue.exception("ASN1_TIME_set", "ERR_OSSL_ASN1_ERROR");
        }
        return NativeHandle.own(NativeKind.ASN1_TIME, time);
    }

    /** Sets an {@code ASN1_TIME} that another object owns (a certificate's notBefore, notAfter). */
    static void setTime(MemorySegment borrowedTime, Instant instant) {
        ErrorQueue.clear();
        if (Types.isNull(X509BuildCalls.ASN1_TIME_set(borrowedTime, instant.getEpochSecond()))) {
            throw ErrorQueue.exception("ASN1_TIME_set", "ERR_OSSL_ASN1_ERROR");
        }
    }

    /** Parses certificate DER into an owned {@code X509}. */
    static NativeHandle certificate(byte[] der) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocateFrom(ValueLayout.JAVA_BYTE, der);
            MemorySegment cursor = arena.allocate(ValueLayout.ADDRESS);
            cursor.set(ValueLayout.ADDRESS, 0, data);
            ErrorQueue.clear();
            MemorySegment x509 = X509Calls.d2i_X509(MemorySegment.NULL, cursor, der.length);
            if (Types.isNull(x509)) {
                throw ErrorQueue.exception("d2i_X509", "ERR_OSSL_ASN1_DECODE_ERROR");
            }
            return NativeHandle.own(NativeKind.X509, x509);
        }
    }

    /** The DER encoding of a certificate. */
    static byte[] der(NativeHandle x509) {
        ErrorQueue.clear();
        int length = X509Calls.i2d_X509(x509.get(), MemorySegment.NULL);
        if (length <= 0) {
            throw ErrorQueue.exception("i2d_X509", "ERR_OSSL_ASN1_ENCODE_ERROR");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(length);
            MemorySegment cursor = arena.allocate(ValueLayout.ADDRESS);
            cursor.set(ValueLayout.ADDRESS, 0, buffer);
            if (X509Calls.i2d_X509(x509.get(), cursor) != length) {
                throw ErrorQueue.exception("i2d_X509", "ERR_OSSL_ASN1_ENCODE_ERROR");
            }
            return buffer.toArray(ValueLayout.JAVA_BYTE);
        }
    }
}
