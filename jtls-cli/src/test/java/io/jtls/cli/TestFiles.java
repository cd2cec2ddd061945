package io.jtls.cli;

import io.jtls.pki.HeldCertificate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Certificates for the tests, made by the project's own {@link HeldCertificate} and written as
 * the PEM files the command reads: a CA, a server certificate for localhost and 127.0.0.1, one
 * for {@code beta.test} (SNI), and a client certificate.
 */
final class TestFiles {
    final Path dir;
    final Path ca;
    final Path serverCert;
    final Path serverKey;
    final Path betaCert;
    final Path betaKey;
    final Path clientCert;
    final Path clientKey;

    TestFiles(Path dir) {
        this.dir = dir;
        HeldCertificate root = HeldCertificate.builder().commonName("jtls cli test CA").certificateAuthority(0).build();
        HeldCertificate server = HeldCertificate.builder().commonName("localhost")
                .addSubjectAltNames("localhost", "127.0.0.1").extendedKeyUsage("serverAuth").signedBy(root).build();
        HeldCertificate beta = HeldCertificate.builder().commonName("beta.test")
                .addSubjectAltName("beta.test").extendedKeyUsage("serverAuth").signedBy(root).build();
        HeldCertificate client = HeldCertificate.builder().commonName("jtls cli test client")
                .extendedKeyUsage("clientAuth").signedBy(root).build();
        ca = write("ca.pem", root.certificatePem());
        serverCert = write("server.pem", server.chainPem());
        serverKey = write("server-key.pem", server.privateKeyPem());
        betaCert = write("beta.pem", beta.chainPem());
        betaKey = write("beta-key.pem", beta.privateKeyPem());
        clientCert = write("client.pem", client.chainPem());
        clientKey = write("client-key.pem", client.privateKeyPem());
    }

    private Path write(String name, String pem) {
        try {
            return Files.writeString(dir.resolve(name), pem);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
