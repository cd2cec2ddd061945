package io.jtls.blocking;

import io.jtls.Tls;
import io.jtls.TlsConnectOptions;
import io.jtls.TlsServerOptions;
import io.jtls.context.SecureContextOptions;
import io.jtls.SecureContext;
import io.jtls.pki.HeldCertificate;

/** Certificates and options for the blocking-stream tests. */
final class BlockingFixtures {
    private BlockingFixtures() {}

    static final HeldCertificate ROOT = HeldCertificate.builder().commonName("Blocking Test Root")
            .certificateAuthority(0).ec("prime256v1").build();
    static final HeldCertificate SERVER = HeldCertificate.builder().commonName("localhost")
            .addSubjectAltName("localhost").addSubjectAltName("127.0.0.1").ec("prime256v1").signedBy(ROOT).build();
    static final HeldCertificate SELF_SIGNED = HeldCertificate.builder().commonName("localhost")
            .addSubjectAltName("localhost").ec("prime256v1").build();

    /** One client context for many connections (the CA is parsed once). */
    static final SecureContext CLIENT_CONTEXT =
            Tls.createSecureContext(SecureContextOptions.builder().ca(ROOT.certificatePem()).build());

    static TlsServerOptions server(HeldCertificate cert) {
        return TlsServerOptions.builder().cert(cert.chainPem()).key(cert.privateKeyPem()).build();
    }

    static TlsConnectOptions client(int port) {
        return TlsConnectOptions.builder().host("127.0.0.1").servername("localhost").port(port)
                .secureContext(CLIENT_CONTEXT).build();
    }

    /**
     * Closes {@code server} at the end of a try-with-resources block and waits for its 'close'
     * (every connection ended): nothing of a test outlives it, and the native-memory counts that
     * later tests read are settled.
     */
    static AutoCloseable drained(BlockingTlsServer server) {
        return () -> {
            server.close();
            server.awaitClosed();
        };
    }
}
