package io.jtls.bench;

import io.jtls.pki.HeldCertificate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The bench server's certificate files, made for a test: what make-certs.sh writes for the EC leaf. */
final class BenchTestCerts {
    private BenchTestCerts() {}

    /**
     * Writes {@code server-ec.crt} and {@code server-ec.key} (localhost, 127.0.0.1) into {@code dir}.
     *
     * @return the root that signed the leaf, for the clients to trust
     */
    static HeldCertificate writeServerEc(Path dir) throws IOException {
        HeldCertificate root = HeldCertificate.builder().commonName("Bench Test Root").certificateAuthority(0).build();
        HeldCertificate leaf = HeldCertificate.builder().commonName("localhost")
                .addSubjectAltName("localhost").addSubjectAltName("127.0.0.1").signedBy(root).build();
        Files.writeString(dir.resolve("server-ec.crt"), leaf.certificatePem());
        Files.writeString(dir.resolve("server-ec.key"), leaf.privateKeyPem());
        return root;
    }
}
