package io.jtls.pki;

import io.jtls.internal.openssl.ErrorQueue;
import io.jtls.internal.openssl.NativeHandle;
import io.jtls.internal.openssl.NativeKind;
import io.jtls.internal.openssl.Types;
import io.jtls.internal.openssl.X509BuildCalls;
import io.jtls.internal.x509.CertificateReader;
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
        return CertificateReader.parseDer(der);
    }

    /** The DER encoding of a certificate. */
    static byte[] der(NativeHandle x509) {
        return CertificateReader.encodeDer(x509.get());
    }
}
