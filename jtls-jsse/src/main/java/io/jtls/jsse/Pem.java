package io.jtls.jsse;

import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;

/** DER to PEM, the form Node's options (and so jtls's contexts) take key material in. */
final class Pem {
    private Pem() {}

    private static final Base64.Encoder BASE64 = Base64.getMimeEncoder(64, new byte[] {'\n'});

    static String encode(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + BASE64.encodeToString(der) + "\n-----END " + label + "-----\n";
    }

    /** The certificates, leaf first, as one PEM string. */
    static String certificates(X509Certificate[] chain) {
        StringBuilder pem = new StringBuilder();
        for (X509Certificate certificate : chain) {
            pem.append(certificate(certificate));
        }
        return pem.toString();
    }

    static String certificate(X509Certificate certificate) {
        try {
            return encode("CERTIFICATE", certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("certificate cannot be encoded: " + certificate.getSubjectX500Principal(), e);
        }
    }

    /**
     * A private key as PKCS#8 PEM. OpenSSL signs with the key itself, so the key must be
     * extractable: a key that lives in a token (PKCS#11, a KeyStore that refuses to export it)
     * cannot be used by this provider.
     */
    static String privateKey(PrivateKey key) {
        byte[] der = key.getEncoded();
        if (der == null || !"PKCS#8".equalsIgnoreCase(key.getFormat())) {
            throw new IllegalArgumentException("the " + key.getAlgorithm()
                    + " private key is not extractable as PKCS#8: jtls-jsse needs the key bytes for OpenSSL");
        }
        return encode("PRIVATE KEY", der);
    }
}
