package io.jtls.interop.matrix;

import io.jtls.pki.HeldCertificate;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;

/**
 * The certificates of one key type of the matrix, all from one root of that type through an
 * intermediate (every peer receives and sends a chain of two): a default server
 * certificate valid for the address 127.0.0.1 only, an SNI certificate valid for the name
 * {@code localhost} only (so a client that verifies "localhost" proves the server chose the SNI
 * context), and a client certificate. Written once as PEM files for the peer programs.
 */
final class MatrixCerts {
    static final String SNI_NAME = "localhost";
    static final String PASSWORD = "matrix";

    final KeyType type;
    final HeldCertificate root;
    final HeldCertificate intermediate;
    final HeldCertificate server;
    final HeldCertificate sni;
    final HeldCertificate client;
    final Path rootFile;
    final Pem serverPem;
    final Pem sniPem;
    final Pem clientPem;

    /** A certificate's chain (leaf first, root left out) and its PKCS#8 key as files. */
    record Pem(Path chain, Path key) {}

    enum KeyType {
        RSA, ECDSA;

        HeldCertificate.Builder key(HeldCertificate.Builder b) {
            return this == RSA ? b.rsa(2048) : b.ec("prime256v1");
        }
    }

    MatrixCerts(KeyType type, Path dir) {
        this.type = type;
        root = type.key(HeldCertificate.builder().commonName("Matrix Root " + type).certificateAuthority(1)).build();
        intermediate = type.key(HeldCertificate.builder().commonName("Matrix Intermediate " + type)
                .certificateAuthority(0)).signedBy(root).build();
        server = type.key(HeldCertificate.builder().commonName("127.0.0.1").addSubjectAltName("127.0.0.1")
                .extendedKeyUsage("serverAuth")).signedBy(intermediate).build();
        sni = type.key(HeldCertificate.builder().commonName(SNI_NAME).addSubjectAltName(SNI_NAME)
                .extendedKeyUsage("serverAuth")).signedBy(intermediate).build();
        client = type.key(HeldCertificate.builder().commonName("matrix client " + type)
                .extendedKeyUsage("clientAuth")).signedBy(intermediate).build();
        String p = type.name().toLowerCase();
        rootFile = write(dir, p + "-root.pem", root.certificatePem());
        serverPem = pem(dir, p + "-server", server);
        sniPem = pem(dir, p + "-sni", sni);
        clientPem = pem(dir, p + "-client", client);
    }

    /** The client certificate's common name, as a server reports it. */
    String clientCn() {
        return client.commonName();
    }

    /** Chromium's {@code --ignore-certificate-errors-spki-list} entry: base64 SHA-256 of the SubjectPublicKeyInfo. */
    static String spkiHash(HeldCertificate cert) {
        try {
            X509Certificate x509 = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(cert.certificateDer()));
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(x509.getPublicKey().getEncoded());
            return Base64.getEncoder().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code cert} and its key as a PKCS#12 key store, for JSSE. */
    static KeyStore keyStore(HeldCertificate... certs) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            for (HeldCertificate cert : certs) {
                KeyStore one = KeyStore.getInstance("PKCS12");
                one.load(new ByteArrayInputStream(cert.pkcs12(PASSWORD, cert.commonName())), PASSWORD.toCharArray());
                String alias = one.aliases().nextElement();
                ks.setEntry(cert.commonName(), one.getEntry(alias, new KeyStore.PasswordProtection(PASSWORD.toCharArray())),
                        new KeyStore.PasswordProtection(PASSWORD.toCharArray()));
            }
            return ks;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A trust store holding this key type's root. */
    KeyStore trustStore() {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setCertificateEntry("root", CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(root.certificateDer())));
            return ks;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Pem pem(Path dir, String name, HeldCertificate cert) {
        return new Pem(write(dir, name + "-chain.pem", cert.chainPem()), write(dir, name + "-key.pem", cert.privateKeyPem()));
    }

    private static Path write(Path dir, String name, String text) {
        try {
            return Files.writeString(dir.resolve(name), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
