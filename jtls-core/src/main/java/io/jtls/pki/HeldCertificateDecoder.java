package io.jtls.pki;

import io.jtls.internal.openssl.EvpPkeyCalls;
import io.jtls.internal.openssl.NativeHandle;
import io.jtls.x509.Certificate;
import java.math.BigInteger;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link HeldCertificate#decode}: PEM back to the Java data a {@link HeldCertificate} holds. The
 * certificate's fields come from Node's certificate object ({@link Certificates#fromDer}); the key
 * is parsed by OpenSSL ({@code d2i_AutoPrivateKey}: PKCS#8 or the traditional forms), checked
 * against the certificate's public key, and kept as PKCS#8 like a generated one.
 */
final class HeldCertificateDecoder {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)-----END \\1-----");

    private HeldCertificateDecoder() {}

    static HeldCertificate decode(String certificatePem, String privateKeyPem) {
        byte[] certificateDer = block(certificatePem, List.of("CERTIFICATE"), "certificatePem");
        byte[] keyDer = block(privateKeyPem, List.of("PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"), "privateKeyPem");
        Certificate fields = Certificates.fromDer(certificateDer);
        String keyType;
        byte[] pkcs8;
        try (NativeHandle x509 = Asn1.certificate(certificateDer); NativeHandle key = Keys.fromDer(keyDer)) {
            // X509_get0_pubkey: borrowed from the certificate. EVP_PKEY_eq compares the public halves.
            if (EvpPkeyCalls.EVP_PKEY_eq(EvpPkeyCalls.X509_get0_pubkey(x509.get()), key.get()) != 1) {
                throw new IllegalArgumentException("the private key is not the certificate's");
            }
            keyType = Keys.typeName(key);
            pkcs8 = Keys.pkcs8Der(key);
        }
        String cn = fields.subject() == null ? null : fields.subject().get("CN");
        CertificateSpec spec = new CertificateSpec(List.of(), cn, List.of(), null, null,
                fields.validFromDate(), fields.validToDate(), new BigInteger(fields.serialNumber(), 16),
                fields.ca() ? 0 : -1, // a CA or not; its pathlen is not read back
                List.of(), List.of(), List.of(), List.of(), null);
        return new HeldCertificate(certificateDer, pkcs8, keyType, spec);
    }

    /** The first PEM block with one of {@code labels}, decoded. */
    private static byte[] block(String pem, List<String> labels, String what) {
        if (pem == null) throw new IllegalArgumentException(what + " is null");
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            if (labels.contains(m.group(1))) {
                try {
                    return Base64.getMimeDecoder().decode(m.group(2));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(what + ": bad base64 in " + m.group(1), e);
                }
            }
        }
        throw new IllegalArgumentException(what + " has no " + String.join(" or ", labels) + " PEM block"
                + (pem.contains("ENCRYPTED PRIVATE KEY") ? " (encrypted keys are not read)" : ""));
    }
}
