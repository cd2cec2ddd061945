package io.jtls;

import static io.jtls.TlsTesting.ROOT;
import static io.jtls.TlsTesting.SERVER_EC;
import static io.jtls.TlsTesting.await;
import static io.jtls.TlsTesting.clientTo;
import static io.jtls.TlsTesting.listen;
import static io.jtls.TlsTesting.serverWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.error.TlsException;
import io.jtls.pki.HeldCertificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A rejected peer certificate is told with the peer's address and the certificate concerned,
 * after Node's message (Node's code unchanged); a server's {@code 'tlsClientError'} for a
 * rejected client certificate keeps Node's {@code ECONNRESET} with the reason as its cause.
 */
class VerifyErrorMessagesTest {

    /** The client's 'error' when connecting to a server presenting {@code cert}. */
    private static TlsException clientErrorAgainst(HeldCertificate cert) {
        TlsServer server = Tls.createServer(serverWith(cert).build());
        try (TlsTesting.Closing closing = TlsTesting.closing(server)) {
            int port = listen(server);
            CompletableFuture<Throwable> error = new CompletableFuture<>();
            Tls.connect(clientTo(port).build(), socket -> socket.on(TlsSocket.ERROR, error::complete), null);
            return assertInstanceOf(TlsException.class, await(error));
        }
    }

    @Test
    void anExpiredServerCertificateIsNamedWithItsDatesAndThePeer() {
        Instant notBefore = Instant.now().minus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        Instant notAfter = Instant.now().minus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        HeldCertificate expired = HeldCertificate.builder().commonName("localhost").addSubjectAltName("localhost")
                .validity(notBefore, notAfter).signedBy(ROOT).build();
        TlsServer server = Tls.createServer(serverWith(expired).build());
        try (TlsTesting.Closing closing = TlsTesting.closing(server)) {
            int port = listen(server);
            CompletableFuture<Throwable> error = new CompletableFuture<>();
            Tls.connect(clientTo(port).build(), socket -> socket.on(TlsSocket.ERROR, error::complete), null);
            TlsException e = assertInstanceOf(TlsException.class, await(error));
            assertEquals("CERT_HAS_EXPIRED", e.code(), "Node's code");
            assertEquals("certificate has expired; peer 127.0.0.1:" + port + ", certificate \"CN=localhost\" expired at "
                    + notAfter + " (valid from " + notBefore + ")", e.getMessage());
        }
    }

    @Test
    void aSelfSignedServerCertificateIsNamedWithItsIssuer() {
        HeldCertificate selfSigned = HeldCertificate.builder().commonName("localhost").addSubjectAltName("localhost").build();
        TlsException e = clientErrorAgainst(selfSigned);
        assertEquals("DEPTH_ZERO_SELF_SIGNED_CERT", e.code());
        assertTrue(e.getMessage().startsWith("self-signed certificate; peer 127.0.0.1:"), e.getMessage());
        assertTrue(e.getMessage().endsWith(", certificate \"CN=localhost\" issued by \"CN=localhost\""), e.getMessage());
    }

    @Test
    void aHostNameMismatchKeepsNodesMessage() {
        HeldCertificate other = HeldCertificate.builder().commonName("other.example").addSubjectAltName("other.example")
                .signedBy(ROOT).build();
        TlsException e = clientErrorAgainst(other);
        assertEquals("ERR_TLS_CERT_ALTNAME_INVALID", e.code());
        assertEquals("Hostname/IP does not match certificate's altnames: Host: localhost. is not in the cert's altnames:"
                + " DNS:other.example", e.getMessage(), "it names the names already");
    }

    @Test
    void aRejectedClientCertificateIsTheCauseOfTheServersTlsClientError() {
        HeldCertificate selfSignedClient = HeldCertificate.builder().commonName("alice").extendedKeyUsage("clientAuth").build();
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).requestCert(true).rejectUnauthorized(true)
                .ca(ROOT.certificatePem()).build());
        CompletableFuture<Throwable> clientError = new CompletableFuture<>();
        server.on(TlsServer.TLS_CLIENT_ERROR, (error, socket) -> clientError.complete(error));
        try (TlsTesting.Closing closing = TlsTesting.closing(server)) {
            int port = listen(server);
            CompletableFuture<Integer> localPort = new CompletableFuture<>();
            Tls.connect(clientTo(port).cert(selfSignedClient.chainPem()).key(selfSignedClient.privateKeyPem()).build(),
                    socket -> {
                        socket.on(TlsSocket.ERROR, e -> {});
                        socket.on(TlsSocket.SECURE_CONNECT, () -> localPort.complete(socket.localPort()));
                    }, null);
            TlsException e = assertInstanceOf(TlsException.class, await(clientError));
            assertEquals("ECONNRESET", e.code(), "Node's code");
            assertEquals("socket hang up", e.getMessage(), "Node's message");
            TlsException cause = assertInstanceOf(TlsException.class, e.getCause(), "the reason, which Node leaves out");
            assertEquals("DEPTH_ZERO_SELF_SIGNED_CERT", cause.code());
            assertEquals("self-signed certificate; peer 127.0.0.1:" + await(localPort)
                    + ", certificate \"CN=alice\" issued by \"CN=alice\"", cause.getMessage());
        }
    }
}
