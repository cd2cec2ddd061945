package io.jtls;

import static io.jtls.TlsTesting.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jtls.error.CertificateIdentityException;
import io.jtls.error.TlsException;
import io.jtls.handshake.EphemeralKeyInfo;
import io.jtls.net.Duplex;
import io.jtls.pki.HeldCertificate;
import io.jtls.support.NativeLeakCheck;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Node's {@code onConnectSecure}: a client with {@code rejectUnauthorized} (the default) fails
 * with the verification code and writes none of its plaintext; with it false, it connects and
 * reports {@code authorized=false} and the code.
 */
class TlsVerificationTest {
    @RegisterExtension
    final NativeLeakCheck nativeLeaks = NativeLeakCheck.eventually();

    /** Connects to a server presenting {@code serverCert} (with {@code chain} as its cert option); returns the client's error. */
    private static void expectRejected(String serverCertPem, HeldCertificate key, TlsConnectOptions.Builder client,
                                       String expectedCode) {
        AtomicInteger plaintextBytesAtServer = new AtomicInteger();
        TlsServer server = Tls.createServer(TlsServerOptions.builder().cert(serverCertPem).key(key.privateKeyPem()).build(),
                s -> s.on(Duplex.DATA, buf -> plaintextBytesAtServer.addAndGet(buf.remaining())));
        CompletableFuture<Boolean> serverSideClosed = new CompletableFuture<>();
        server.on(TlsServer.CONNECTION, raw -> raw.on(Duplex.CLOSE, serverSideClosed::complete));
        int port = listen(server);
        try (Closing closing = closing(server)) {
            Client c = connect(client.port(port).build());
            TlsSocket socket = c.socket();
            Recorder events = c.events();
            socket.write("secret written before secureConnect");
            socket.write(ByteBuffer.wrap(new byte[100_000]));
            Throwable error = await(events.error);
            assertEquals(expectedCode, code(error), error.toString());
            assertTrue(await(events.closed), "close(hadError=true)");
            assertFalse(events.events.contains("secureConnect"));
            assertFalse(socket.authorized());
            // The server's side of the connection closes after it read everything the client sent
            // (on its loop, in order): anything that leaked would have been counted by then.
            await(serverSideClosed);
            assertEquals(0, plaintextBytesAtServer.get(), "no plaintext may reach the server");
        }
    }

    @Test
    void selfSignedServerCertificate() {
        expectRejected(SELF_SIGNED.certificatePem(), SELF_SIGNED, TlsConnectOptions.builder().host("localhost"),
                "DEPTH_ZERO_SELF_SIGNED_CERT");
    }

    @Test
    void unknownIssuer() {
        expectRejected(UNTRUSTED_LEAF.certificatePem(), UNTRUSTED_LEAF,
                TlsConnectOptions.builder().host("localhost").ca(ROOT.certificatePem()), "UNABLE_TO_VERIFY_LEAF_SIGNATURE");
    }

    @Test
    void untrustedRootSentInTheChain() {
        expectRejected(UNTRUSTED_LEAF.certificatePem() + UNTRUSTED_ROOT.certificatePem(), UNTRUSTED_LEAF,
                TlsConnectOptions.builder().host("localhost").ca(ROOT.certificatePem()), "SELF_SIGNED_CERT_IN_CHAIN");
    }

    @Test
    void expiredCertificate() {
        expectRejected(EXPIRED.certificatePem(), EXPIRED,
                TlsConnectOptions.builder().host("localhost").ca(ROOT.certificatePem()), "CERT_HAS_EXPIRED");
    }

    @Test
    void hostNameMismatch() {
        expectRejected(OTHER_HOST.certificatePem(), OTHER_HOST,
                TlsConnectOptions.builder().host("localhost").ca(ROOT.certificatePem()), "ERR_TLS_CERT_ALTNAME_INVALID");
    }

    @Test
    void ipAddressMismatchUsesTheIpRules() {
        AtomicReference<Throwable> seen = new AtomicReference<>();
        TlsServer server = Tls.createServer(serverWith(OTHER_HOST).build());
        int port = listen(server);
        try (Closing closing = closing(server)) {
            Client c = connect(TlsConnectOptions.builder().host("127.0.0.1").port(port)
                    .ca(ROOT.certificatePem()).build());
            TlsSocket socket = c.socket();
            Recorder events = c.events();
            Throwable error = await(events.error);
            CertificateIdentityException identity = assertInstanceOf(CertificateIdentityException.class, error);
            assertEquals("IP: 127.0.0.1 is not in the cert's list: ", identity.reason());
            assertEquals("127.0.0.1", identity.host());
            assertNull(socket.servername(), "an IP address is never sent as SNI");
            await(events.closed);
        }
    }

    @Test
    void rejectUnauthorizedFalseConnectsAndReportsWhy() {
        TlsServer server = Tls.createServer(serverWith(SELF_SIGNED).build(), s -> s.end("hi"));
        int port = listen(server);
        try (Closing closing = closing(server)) {
            Client c = connect(TlsConnectOptions.builder().host("localhost").port(port)
                    .rejectUnauthorized(false).build());
            TlsSocket socket = c.socket();
            Recorder events = c.events();
            await(c.secure());
            assertFalse(socket.authorized());
            assertEquals("DEPTH_ZERO_SELF_SIGNED_CERT", socket.authorizationError());
            assertFalse(socket.rejectUnauthorized());
            await(events.closed);
            assertEquals("hi", events.data());
        }
    }

    @Test
    void customCheckServerIdentityDecides() {
        TlsServer server = Tls.createServer(serverWith(OTHER_HOST).build(), s -> s.end("ok"));
        int port = listen(server);
        try (Closing closing = closing(server)) {
            AtomicReference<String> checkedHost = new AtomicReference<>();
            Client c = connect(clientTo(port).checkServerIdentity((host, cert) -> {
                checkedHost.set(host + "/" + cert.subject().get("CN") + "/" + (cert.issuerCertificate() != null));
                return null;
            }).build());
            TlsSocket accepted = c.socket();
            Recorder acceptedEvents = c.events();
            await(c.secure());
            assertEquals("localhost/other.example/true", checkedHost.get(), "servername, detailed certificate");
            assertTrue(accepted.authorized());
            await(acceptedEvents.closed);

            Recorder events = connect(clientTo(port)
                    .checkServerIdentity((host, cert) -> new TlsException("E_MINE", "not this one")).build()).events();
            assertEquals("E_MINE", code(await(events.error)));
            await(events.closed);
        }
    }

    @Test
    void dhGroupSmallerThanMinDHSizeIsRefused() {
        // TLS 1.2 with a finite-field DHE suite; "auto" gives a 2048-bit group for an RSA-2048 key.
        TlsServer server = Tls.createServer(serverWith(SERVER_RSA).maxVersion("TLSv1.2")
                .ciphers("DHE-RSA-AES128-GCM-SHA256").dhparam("auto").build(), s -> s.end());
        int port = listen(server);
        try (Closing closing = closing(server)) {
            Recorder events = connect(clientTo(port).minDHSize(3072).ciphers("DHE-RSA-AES128-GCM-SHA256").build()).events();
            Throwable error = await(events.error);
            assertEquals("ERR_TLS_DH_PARAM_SIZE", code(error));
            assertEquals("DH parameter size 2048 is less than 2048", error.getMessage(), "Node's text, verbatim");
            await(events.closed);

            CompletableFuture<EphemeralKeyInfo> secure = new CompletableFuture<>();
            AtomicReference<TlsSocket> accepted = new AtomicReference<>();
            Recorder[] recorder = new Recorder[1];
            Tls.connect(clientTo(port).ciphers("DHE-RSA-AES128-GCM-SHA256").build(), s -> {
                accepted.set(s);
                recorder[0] = new Recorder(s);
            }, () -> secure.complete(accepted.get().getEphemeralKeyInfo()));
            Recorder acceptedEvents = recorder[0];
            EphemeralKeyInfo key = await(secure);
            assertEquals("DH", key.type());
            assertEquals(2048, key.size());
            await(acceptedEvents.closed);
        }
    }
}
