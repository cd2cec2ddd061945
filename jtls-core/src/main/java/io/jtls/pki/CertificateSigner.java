package io.jtls.pki;

import io.jtls.internal.openssl.ErrorQueue;
import io.jtls.internal.openssl.NativeHandle;
import io.jtls.internal.openssl.NativeKind;
import io.jtls.internal.openssl.Types;
import io.jtls.internal.openssl.X509BuildCalls;
import io.jtls.internal.openssl.X509FieldCalls;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes and signs one X.509 v3 certificate on OpenSSL, the way {@code openssl x509 -req
 * -extfile} would: every native object lives only inside {@link #sign} and is freed before it
 * returns; what comes out is Java data.
 */
final class CertificateSigner {
    private CertificateSigner() {}

    static HeldCertificate sign(CertificateSpec spec) {
        try (NativeHandle key = spec.reuseKeyOf() != null
                        ? Keys.fromDer(spec.reuseKeyOf().privateKeyDer())
                        : Keys.generate(spec.key());
                NativeHandle x509 = newCertificate()) {
            fill(x509, key, spec);
            String keyType = Keys.typeName(key);
            byte[] keyDer = Keys.pkcs8Der(key);
            if (spec.issuer() == null) {
                addExtensions(x509, x509, spec, keyType);
                signWith(x509, key);
            } else {
                try (NativeHandle issuer = Asn1.certificate(spec.issuer().certificateDer());
                        NativeHandle issuerKey = Keys.fromDer(spec.issuer().privateKeyDer())) {
                    ErrorQueue.clear();
                    if (X509BuildCalls.X509_set_issuer_name(x509.get(),
                            X509FieldCalls.X509_get_subject_name(issuer.get())) <= 0) {
                        throw ErrorQueue.exception("X509_set_issuer_name", "ERR_OSSL_X509_ERROR");
                    }
                    addExtensions(issuer, x509, spec, keyType);
                    signWith(x509, issuerKey);
                }
            }
            return new HeldCertificate(Asn1.der(x509), keyDer, keyType, spec);
        }
    }

    private static NativeHandle newCertificate() {
        ErrorQueue.clear();
        MemorySegment x509 = X509BuildCalls.X509_new();
        if (Types.isNull(x509)) {
            throw ErrorQueue.exception("X509_new", "ERR_OSSL_X509_MALLOC_FAILURE");
        }
        return NativeHandle.own(NativeKind.X509, x509);
    }

    /**
     * Signs a certificate request (CSR) with {@code spec.issuer()}, as {@code openssl x509 -req
     * -CA} does: the subject name and public key come from the request, once its signature
     * verified with that key (the requester holds the private key); everything else (validity,
     * serial, extensions: the request's own are not copied) from {@code spec}.
     *
     * @return the certificate, DER
     */
    static byte[] signRequest(byte[] requestDer, CertificateSpec spec) {
        try (NativeHandle request = parseRequest(requestDer);
                NativeHandle x509 = newCertificate();
                NativeHandle issuer = Asn1.certificate(spec.issuer().certificateDer());
                NativeHandle issuerKey = Keys.fromDer(spec.issuer().privateKeyDer())) {
            MemorySegment publicKey = X509BuildCalls.X509_REQ_get0_pubkey(request.get()); // borrowed from the request
            if (Types.isNull(publicKey)) {
                throw new IllegalArgumentException("the certificate request has no usable public key",
                        ErrorQueue.exception("X509_REQ_get0_pubkey", "ERR_OSSL_X509_ERROR"));
            }
            ErrorQueue.clear();
            if (X509BuildCalls.X509_REQ_verify(request.get(), publicKey) != 1) {
                throw new IllegalArgumentException("the certificate request's signature does not verify",
                        ErrorQueue.exception("X509_REQ_verify", "ERR_OSSL_X509_ERROR"));
            }
            MemorySegment cert = x509.get();
            fillVersionSerialValidity(cert, spec);
            ErrorQueue.clear();
            // Both setters copy the name; X509_set_pubkey takes its own reference to the key.
            if (X509BuildCalls.X509_set_subject_name(cert, X509BuildCalls.X509_REQ_get_subject_name(request.get())) <= 0
                    || X509BuildCalls.X509_set_issuer_name(cert, X509FieldCalls.X509_get_subject_name(issuer.get())) <= 0
                    || X509BuildCalls.X509_set_pubkey(cert, publicKey) <= 0) {
                throw ErrorQueue.exception("X509_set_subject_name", "ERR_OSSL_X509_ERROR");
            }
            addExtensions(issuer, x509, spec, Keys.typeName(publicKey));
            signWith(x509, issuerKey);
            return Asn1.der(x509);
        }
    }

    private static NativeHandle parseRequest(byte[] der) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocateFrom(ValueLayout.JAVA_BYTE, der);
            MemorySegment cursor = arena.allocate(ValueLayout.ADDRESS);
            cursor.set(ValueLayout.ADDRESS, 0, data);
            ErrorQueue.clear();
            MemorySegment request = X509BuildCalls.d2i_X509_REQ(MemorySegment.NULL, cursor, der.length);
            if (Types.isNull(request)) {
                throw new IllegalArgumentException("not a certificate request (PKCS#10)",
                        ErrorQueue.exception("d2i_X509_REQ", "ERR_OSSL_ASN1_DECODE_ERROR"));
            }
            return NativeHandle.own(NativeKind.X509_REQ, request);
        }
    }

    /** Version 3, the serial number and the validity, on a new certificate. */
    private static void fillVersionSerialValidity(MemorySegment cert, CertificateSpec spec) {
        ErrorQueue.clear();
        if (X509BuildCalls.X509_set_version(cert, X509BuildCalls.X509_VERSION_3) <= 0) {
            throw ErrorQueue.exception("X509_set_version", "ERR_OSSL_X509_ERROR");
        }
        try (NativeHandle serial = Asn1.integer(spec.serialNumber())) {
            // X509_set_serialNumber copies the integer.
            if (X509BuildCalls.X509_set_serialNumber(cert, serial.get()) <= 0) {
                throw ErrorQueue.exception("X509_set_serialNumber", "ERR_OSSL_X509_ERROR");
            }
        }
        Asn1.setTime(X509BuildCalls.X509_getm_notBefore(cert), spec.notBefore());
        Asn1.setTime(X509BuildCalls.X509_getm_notAfter(cert), spec.notAfter());
    }

    /** Version, serial, validity, subject (and issuer, for self-signed) and public key. */
    private static void fill(NativeHandle x509, NativeHandle key, CertificateSpec spec) {
        MemorySegment cert = x509.get();
        fillVersionSerialValidity(cert, spec);

        MemorySegment subject = X509FieldCalls.X509_get_subject_name(cert); // borrowed
        try (Arena arena = Arena.ofConfined()) {
            for (String[] entry : spec.subject()) {
                byte[] value = entry[1].getBytes(StandardCharsets.UTF_8);
                ErrorQueue.clear();
                if (X509BuildCalls.X509_NAME_add_entry_by_txt(subject, arena.allocateFrom(entry[0]),
                        X509BuildCalls.MBSTRING_UTF8, arena.allocateFrom(ValueLayout.JAVA_BYTE, value),
                        value.length, -1, 0) <= 0) {
                    throw new IllegalArgumentException("subject " + entry[0] + " is not acceptable: " + entry[1],
                            ErrorQueue.exception("X509_NAME_add_entry_by_txt", "ERR_OSSL_X509_ERROR"));
                }
            }
        }
        ErrorQueue.clear();
        if (spec.issuer() == null && X509BuildCalls.X509_set_issuer_name(cert, subject) <= 0) {
            throw ErrorQueue.exception("X509_set_issuer_name", "ERR_OSSL_X509_ERROR");
        }
        if (X509BuildCalls.X509_set_pubkey(cert, key.get()) <= 0) { // takes its own reference
            throw ErrorQueue.exception("X509_set_pubkey", "ERR_OSSL_X509_ERROR");
        }
    }

    /**
     * The profile: a CA gets critical basicConstraints with its pathlen and critical keyUsage
     * keyCertSign+cRLSign; a leaf gets CA:FALSE and digitalSignature (+keyEncipherment for RSA,
     * which TLS 1.2 RSA key exchange needs). Both get a subjectKeyIdentifier, and an
     * authorityKeyIdentifier when a CA signed them, so that verifiers find the issuer's key.
     */
    private static void addExtensions(NativeHandle issuer, NativeHandle x509, CertificateSpec spec, String keyType) {
        try (Extensions extensions = Extensions.forCertificate(issuer, x509)) {
            if (spec.isCertificateAuthority()) {
                extensions.add("basicConstraints", "critical,CA:TRUE,pathlen:" + spec.maxIntermediates());
                extensions.add("keyUsage", "critical,keyCertSign,cRLSign");
            } else {
                extensions.add("basicConstraints", "critical,CA:FALSE");
                extensions.add("keyUsage", keyType.equals("RSA")
                        ? "critical,digitalSignature,keyEncipherment"
                        : "critical,digitalSignature");
            }
            extensions.add("subjectKeyIdentifier", "hash");
            if (spec.issuer() != null) {
                extensions.add("authorityKeyIdentifier", "keyid:always");
            }
            if (!spec.extendedKeyUsages().isEmpty()) {
                extensions.add("extendedKeyUsage", String.join(",", spec.extendedKeyUsages()));
            }
            if (!spec.subjectAltNames().isEmpty()) {
                extensions.add("subjectAltName", String.join(",", spec.subjectAltNames()));
            }
            List<String> access = new ArrayList<>();
            spec.ocspResponders().forEach(url -> access.add("OCSP;URI:" + url));
            spec.caIssuers().forEach(url -> access.add("caIssuers;URI:" + url));
            if (!access.isEmpty()) {
                extensions.add("authorityInfoAccess", String.join(",", access));
            }
            if (!spec.crlDistributionPoints().isEmpty()) {
                extensions.add("crlDistributionPoints",
                        String.join(",", spec.crlDistributionPoints().stream().map(u -> "URI:" + u).toList()));
            }
        }
    }

    private static void signWith(NativeHandle x509, NativeHandle signerKey) {
        ErrorQueue.clear();
        if (X509BuildCalls.X509_sign(x509.get(), signerKey.get(), Keys.signingDigest(signerKey)) <= 0) {
            throw ErrorQueue.exception("X509_sign", "ERR_OSSL_X509_ERROR");
        }
    }
}
