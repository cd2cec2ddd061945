package io.jtls.pki;

import io.jtls.internal.openssl.Bios;
import io.jtls.internal.openssl.CrlCalls;
import io.jtls.internal.openssl.ErrorQueue;
import io.jtls.internal.openssl.NativeHandle;
import io.jtls.internal.openssl.NativeKind;
import io.jtls.internal.openssl.PemCalls;
import io.jtls.internal.openssl.Types;
import io.jtls.internal.openssl.X509FieldCalls;
import java.lang.foreign.MemorySegment;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;

/**
 * Certificate revocation lists (RFC 5280 section 5): a CA's signed list of the serial numbers
 * it has revoked before they expired. Verifiers that check revocation (Node's {@code crl}
 * option, {@code openssl verify -crl_check}) reject a chain whose certificate is listed, with
 * {@code CERT_REVOKED}.
 */
public final class CertificateRevocationList {
    private CertificateRevocationList() {}

    /**
     * A v2 CRL in PEM ("X509 CRL"), signed by {@code issuer}, listing every certificate of
     * {@code revoked} by serial number with {@code thisUpdate} as its revocation date. It
     * carries an authorityKeyIdentifier and a cRLNumber (the epoch second of
     * {@code thisUpdate}, so that later lists have larger numbers).
     *
     * @param issuer     the CA that issued the revoked certificates
     * @param revoked    certificates to list (may be empty)
     * @param thisUpdate when this list was issued
     * @param nextUpdate when the next list is due; verifiers treat the CRL as expired after it
     * @return a v2 CRL in PEM ("X509 CRL"), signed by {@code issuer}, listing every certificate of {@code
     *         revoked} by serial number with {@code thisUpdate} as its revocation date
     */
    public static String pem(HeldCertificate issuer, List<HeldCertificate> revoked,
            Instant thisUpdate, Instant nextUpdate) {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(revoked, "revoked");
        Objects.requireNonNull(thisUpdate, "thisUpdate");
        Objects.requireNonNull(nextUpdate, "nextUpdate");
        thisUpdate = thisUpdate.truncatedTo(ChronoUnit.SECONDS);
        nextUpdate = nextUpdate.truncatedTo(ChronoUnit.SECONDS);
        if (!thisUpdate.isBefore(nextUpdate)) {
            throw new IllegalArgumentException("thisUpdate " + thisUpdate + " is not before nextUpdate " + nextUpdate);
        }
        for (HeldCertificate certificate : revoked) {
            Objects.requireNonNull(certificate, "revoked certificate");
        }
        try (NativeHandle issuerCert = Asn1.certificate(issuer.certificateDer());
                NativeHandle issuerKey = Keys.fromDer(issuer.privateKeyDer());
                NativeHandle crl = newCrl();
                NativeHandle lastUpdate = Asn1.time(thisUpdate);
                NativeHandle nextUpdateTime = Asn1.time(nextUpdate)) {
            MemorySegment c = crl.get();
            ErrorQueue.clear();
            if (CrlCalls.X509_CRL_set_version(c, CrlCalls.X509_CRL_VERSION_2) <= 0
                    || CrlCalls.X509_CRL_set_issuer_name(c, X509FieldCalls.X509_get_subject_name(issuerCert.get())) <= 0
                    || CrlCalls.X509_CRL_set1_lastUpdate(c, lastUpdate.get()) <= 0
                    || CrlCalls.X509_CRL_set1_nextUpdate(c, nextUpdateTime.get()) <= 0) {
                throw ErrorQueue.exception("X509_CRL_set", "ERR_OSSL_X509_ERROR");
            }
            for (HeldCertificate certificate : revoked) {
                addRevoked(c, certificate.serialNumber(), lastUpdate);
            }
            ErrorQueue.clear();
            if (CrlCalls.X509_CRL_sort(c) <= 0) {
                throw ErrorQueue.exception("X509_CRL_sort", "ERR_OSSL_X509_ERROR");
            }
            try (Extensions extensions = Extensions.forCrl(issuerCert, crl)) {
                extensions.add("authorityKeyIdentifier", "keyid:always");
            }
            try (NativeHandle number = Asn1.integer(BigInteger.valueOf(Math.max(1, thisUpdate.getEpochSecond())))) {
                ErrorQueue.clear();
                // X509_CRL_add1_ext_i2d encodes a copy of the integer.
                if (CrlCalls.X509_CRL_add1_ext_i2d(c, CrlCalls.NID_crl_number, number.get(), 0, 0) <= 0) {
                    throw ErrorQueue.exception("X509_CRL_add1_ext_i2d", "ERR_OSSL_X509_ERROR");
                }
            }
            ErrorQueue.clear();
            if (CrlCalls.X509_CRL_sign(c, issuerKey.get(), Keys.signingDigest(issuerKey)) <= 0) {
                throw ErrorQueue.exception("X509_CRL_sign", "ERR_OSSL_X509_ERROR");
            }
            try (NativeHandle bio = Bios.newMemory()) {
                if (PemCalls.PEM_write_bio_X509_CRL(bio.get(), c) <= 0) {
                    throw ErrorQueue.exception("PEM_write_bio_X509_CRL", "ERR_OSSL_PEM_ERROR");
                }
                return new String(Bios.contents(bio), StandardCharsets.US_ASCII);
            }
        }
    }

    private static NativeHandle newCrl() {
        ErrorQueue.clear();
        MemorySegment crl = CrlCalls.X509_CRL_new();
        if (Types.isNull(crl)) {
            throw ErrorQueue.exception("X509_CRL_new", "ERR_OSSL_X509_MALLOC_FAILURE");
        }
        return NativeHandle.own(NativeKind.X509_CRL, crl);
    }

    private static void addRevoked(MemorySegment crl, BigInteger serialNumber, NativeHandle revocationDate) {
        ErrorQueue.clear();
        MemorySegment pointer = CrlCalls.X509_REVOKED_new();
        if (Types.isNull(pointer)) {
            throw ErrorQueue.exception("X509_REVOKED_new", "ERR_OSSL_X509_MALLOC_FAILURE");
        }
        try (NativeHandle entry = NativeHandle.own(NativeKind.X509_REVOKED, pointer);
                NativeHandle serial = Asn1.integer(serialNumber)) {
            // Both setters copy their argument.
            if (CrlCalls.X509_REVOKED_set_serialNumber(entry.get(), serial.get()) <= 0
                    || CrlCalls.X509_REVOKED_set_revocationDate(entry.get(), revocationDate.get()) <= 0) {
                throw ErrorQueue.exception("X509_REVOKED_set", "ERR_OSSL_X509_ERROR");
            }
            if (CrlCalls.X509_CRL_add0_revoked(crl, entry.get()) <= 0) {
                throw ErrorQueue.exception("X509_CRL_add0_revoked", "ERR_OSSL_X509_ERROR");
            }
            entry.release(); // X509_CRL_add0_revoked: the CRL owns the entry now
        }
    }
}
