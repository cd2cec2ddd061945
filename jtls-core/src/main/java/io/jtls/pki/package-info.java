/**
 * Certificates and keys made on the spot, without the {@code openssl} command: a CA, its
 * intermediates and leaves ({@link io.jtls.pki.HeldCertificate}), certificate revocation lists,
 * and PKCS#12 files, for tests, demos and internal deployments. It uses the same OpenSSL as the
 * rest of jtls and has no dependencies of its own.
 */
package io.jtls.pki;
