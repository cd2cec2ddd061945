package io.jtls.interop;

import io.jtls.pki.HeldCertificate;
import java.nio.file.Path;

/**
 * The host certificates of the Node parity tests, all from {@link InteropCerts#ROOT}: one per
 * host name, so that the subject CN a client sees says which context served it.
 */
final class ParityCerts {
    private ParityCerts() {}

    /** The server's default certificate. */
    static final HeldCertificate ALPHA = host("alpha.test", "alpha.test");
    /** {@code addContext("beta.test", ...)}. */
    static final HeldCertificate BETA = host("beta.test", "beta.test");
    /** {@code addContext("*.gamma.test", ...)}, asked for as www.gamma.test. */
    static final HeldCertificate GAMMA = host("*.gamma.test", "*.gamma.test");
    /** What the asynchronous SNICallback answers for delta.test. */
    static final HeldCertificate DELTA = host("delta.test", "delta.test");
    /** What setSecureContext installs once the server listens. */
    static final HeldCertificate EPSILON = host("epsilon.test", "epsilon.test");

    /** The same names with the other key type: RSA 2048 (the ones above are EC P-256). */
    static final HeldCertificate ALPHA_RSA = HeldCertificate.builder().commonName("alpha.test (RSA)")
            .addSubjectAltName("alpha.test").rsa(2048).signedBy(InteropCerts.ROOT).build();
    static final HeldCertificate BETA_RSA = HeldCertificate.builder().commonName("beta.test (RSA)")
            .addSubjectAltName("beta.test").rsa(2048).signedBy(InteropCerts.ROOT).build();

    private static HeldCertificate host(String commonName, String altName) {
        return HeldCertificate.builder().commonName(commonName).addSubjectAltName(altName).ec("prime256v1")
                .signedBy(InteropCerts.ROOT).build();
    }

    /** {@code cert}'s chain and key as files in {@code dir}, named after {@code name}. */
    static InteropCerts.PemFiles files(Path dir, String name, HeldCertificate cert) {
        return InteropCerts.write(dir, name, cert);
    }
}
