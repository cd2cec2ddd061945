package io.jtls.internal.engine;

import io.jtls.pki.HeldCertificate;

/** Certificates shared by the engine tests, made once per run with io.jtls.pki. */
final class TestPki {
    private TestPki() {}

    static final HeldCertificate ROOT = HeldCertificate.builder().commonName("Engine Test Root")
            .certificateAuthority(1).ec("prime256v1").build();
    static final HeldCertificate INTERMEDIATE = HeldCertificate.builder().commonName("Engine Test Intermediate")
            .certificateAuthority(0).signedBy(ROOT).build();
    /** localhost, EC P-256, issued by {@link #INTERMEDIATE}. */
    static final HeldCertificate SERVER_EC = HeldCertificate.builder().commonName("localhost")
            .addSubjectAltName("localhost").addSubjectAltName("127.0.0.1").ec("prime256v1")
            .signedBy(INTERMEDIATE).build();
    /** localhost, RSA 2048, issued by {@link #ROOT}. */
    static final HeldCertificate SERVER_RSA = HeldCertificate.builder().commonName("localhost")
            .addSubjectAltName("localhost").rsa(2048).signedBy(ROOT).build();
    /** A client certificate issued by {@link #ROOT}. */
    static final HeldCertificate CLIENT = HeldCertificate.builder().commonName("engine client")
            .organization("Acme").extendedKeyUsage("clientAuth").signedBy(ROOT).build();
    /** Self-signed, trusted by nobody. */
    static final HeldCertificate SELF_SIGNED = HeldCertificate.builder().commonName("self")
            .addSubjectAltName("localhost").build();
    /** localhost, issued by {@link #ROOT} but expired. */
    static final HeldCertificate EXPIRED = HeldCertificate.builder().commonName("localhost")
            .addSubjectAltName("localhost").expired().signedBy(ROOT).build();
    /** Issued by {@link #ROOT} for another host name. */
    static final HeldCertificate OTHER_HOST = HeldCertificate.builder().commonName("other.example")
            .addSubjectAltName("other.example").signedBy(ROOT).build();
    /** A root nobody trusts, and a localhost leaf under it. */
    static final HeldCertificate UNTRUSTED_ROOT = HeldCertificate.builder().commonName("Untrusted Root")
            .certificateAuthority(0).build();
    static final HeldCertificate UNTRUSTED_LEAF = HeldCertificate.builder().commonName("localhost")
            .addSubjectAltName("localhost").signedBy(UNTRUSTED_ROOT).build();
}
