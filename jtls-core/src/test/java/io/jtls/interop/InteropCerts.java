package io.jtls.interop;

import io.jtls.pki.HeldCertificate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The certificates every interop test uses, made once per JVM with {@link HeldCertificate}, and
 * the PEM files the external peers read them from.
 */
final class InteropCerts {
    private InteropCerts() {}

    static final HeldCertificate ROOT = HeldCertificate.builder().commonName("Interop Root")
            .certificateAuthority(1).ec("prime256v1").build();
    static final HeldCertificate INTERMEDIATE = HeldCertificate.builder().commonName("Interop Intermediate")
            .certificateAuthority(0).signedBy(ROOT).build();
    /** localhost and 127.0.0.1, EC P-256, issued by the intermediate (the chain has two certificates). */
    static final HeldCertificate SERVER_EC = HeldCertificate.builder().commonName("localhost")
            .addSubjectAltName("localhost").addSubjectAltName("127.0.0.1").ec("prime256v1")
            .extendedKeyUsage("serverAuth").signedBy(INTERMEDIATE).build();
    /** localhost and 127.0.0.1, RSA 2048, issued by the root. */
    static final HeldCertificate SERVER_RSA = HeldCertificate.builder().commonName("localhost")
            .addSubjectAltName("localhost").addSubjectAltName("127.0.0.1").rsa(2048)
            .extendedKeyUsage("serverAuth").signedBy(ROOT).build();
    /** A client certificate from the root. */
    static final HeldCertificate CLIENT = HeldCertificate.builder().commonName("interop client")
            .organization("Acme").extendedKeyUsage("clientAuth").signedBy(ROOT).build();
    /** SNI names: one certificate per host, from the root. */
    static final HeldCertificate ALPHA = HeldCertificate.builder().commonName("alpha.test")
            .addSubjectAltName("alpha.test").signedBy(ROOT).build();
    static final HeldCertificate BETA = HeldCertificate.builder().commonName("beta.test")
            .addSubjectAltName("beta.test").rsa(2048).signedBy(ROOT).build();

    // ---- certificates that fail verification, each for one of Node's codes
    /** DEPTH_ZERO_SELF_SIGNED_CERT. */
    static final HeldCertificate SELF_SIGNED = HeldCertificate.builder().commonName("localhost")
            .addSubjectAltName("localhost").addSubjectAltName("127.0.0.1").build();
    /** CERT_HAS_EXPIRED: from the trusted root, but expired. */
    static final HeldCertificate EXPIRED = HeldCertificate.builder().commonName("localhost")
            .addSubjectAltName("localhost").addSubjectAltName("127.0.0.1").expired().signedBy(ROOT).build();
    /** ERR_TLS_CERT_ALTNAME_INVALID for "localhost": trusted, for another host. */
    static final HeldCertificate OTHER_HOST = HeldCertificate.builder().commonName("other.example")
            .addSubjectAltName("other.example").signedBy(ROOT).build();
    /** A root nobody trusts, and its leaf: UNABLE_TO_VERIFY_LEAF_SIGNATURE (root not sent). */
    static final HeldCertificate UNTRUSTED_ROOT = HeldCertificate.builder().commonName("Untrusted Root")
            .certificateAuthority(0).build();
    static final HeldCertificate UNTRUSTED_LEAF = HeldCertificate.builder().commonName("localhost")
            .addSubjectAltName("localhost").addSubjectAltName("127.0.0.1").signedBy(UNTRUSTED_ROOT).build();

    /** The chain with the untrusted root appended: SELF_SIGNED_CERT_IN_CHAIN. */
    static String chainWithUntrustedRoot() {
        return UNTRUSTED_LEAF.chainPem() + UNTRUSTED_ROOT.certificatePem();
    }

    /** A certificate's chain and key as files, for a peer process. */
    record PemFiles(Path cert, Path key) {}

    /** Writes {@code cert}'s chain (without the root) and PKCS#8 key to {@code dir}. */
    static PemFiles write(Path dir, String name, HeldCertificate cert) {
        return new PemFiles(writeText(dir, name + "-chain.pem", cert.chainPem()),
                writeText(dir, name + "-key.pem", cert.privateKeyPem()));
    }

    /**
     * {@code cert} as arguments of s_server or s_client: {@code -cert} (the leaf alone),
     * {@code -key} and, when it has intermediates, {@code -cert_chain} (openssl reads only the
     * first certificate of {@code -cert}).
     */
    static java.util.List<String> opensslArgs(Path dir, String name, HeldCertificate cert) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(
                "-cert", writeText(dir, name + "-leaf.pem", cert.certificatePem()).toString(),
                "-key", writeText(dir, name + "-key.pem", cert.privateKeyPem()).toString()));
        if (!cert.intermediates().isEmpty()) {
            StringBuilder chain = new StringBuilder();
            cert.intermediates().forEach(c -> chain.append(c.certificatePem()));
            args.add("-cert_chain");
            args.add(writeText(dir, name + "-intermediates.pem", chain.toString()).toString());
        }
        return args;
    }

    /** Writes {@code cert} alone (a trust anchor) to {@code dir}. */
    static Path writeCa(Path dir, String name, HeldCertificate cert) {
        return writeText(dir, name + "-ca.pem", cert.certificatePem());
    }

    static Path writeText(Path dir, String fileName, String text) {
        try {
            return Files.writeString(dir.resolve(fileName), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
