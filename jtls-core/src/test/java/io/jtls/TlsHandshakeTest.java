package io.jtls;

import static io.jtls.TlsTesting.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jtls.error.TlsArgumentException;
import io.jtls.error.TlsException;
import io.jtls.error.TlsRangeException;
import io.jtls.handshake.EphemeralKeyInfo;
import io.jtls.pki.HeldCertificate;
import io.jtls.support.NativeLeakCheck;
import io.jtls.x509.Certificate;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Full handshakes between a jtls client and a jtls server over loopback, and what each side reports. */
class TlsHandshakeTest {
    @RegisterExtension
    final NativeLeakCheck nativeLeaks = NativeLeakCheck.eventually();

    /** One connection: both sides' sockets after the handshake, queried before closing. */
    private record Observed(TlsSocket client, TlsSocket serverSide) {}

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"TLSv1.3, EC", "TLSv1.3, RSA", "TLSv1.2, EC", "TLSv1.2, RSA"})
    void handshakeReportsTheSameFactsOnBothSides(String version, String keyType) {
        HeldCertificate cert = keyType.equals("EC") ? SERVER_EC : SERVER_RSA;
        CompletableFuture<TlsSocket> accepted = new CompletableFuture<>();
        TlsServer server = Tls.createServer(serverWith(cert).maxVersion(version).build(), accepted::complete);
        int port = listen(server);
        try (Closing closing = closing(server)) {
            CompletableFuture<Void> secure = new CompletableFuture<>();
            TlsSocket client = Tls.connect(clientTo(port).build(), () -> secure.complete(null));
            Recorder events = new Recorder(client);
            await(secure);
            TlsSocket serverSide = await(accepted);

            assertTrue(client.encrypted());
            assertTrue(client.authorized());
            assertNull(client.authorizationError());
            assertEquals(version, client.getProtocol());
            assertEquals(version, serverSide.getProtocol());
            assertEquals(client.getCipher(), serverSide.getCipher());
            assertEquals(version.equals("TLSv1.3") ? "TLSv1.3" : "TLSv1.2", client.getCipher().version());
            if (version.equals("TLSv1.2")) {
                assertTrue(client.getCipher().name().startsWith(keyType.equals("EC") ? "ECDHE-ECDSA-" : "ECDHE-RSA-"),
                        client.getCipher().name());
            } else {
                assertTrue(client.getCipher().name().startsWith("TLS_"), client.getCipher().name());
            }
            EphemeralKeyInfo key = client.getEphemeralKeyInfo();
            assertEquals("ECDH", key.type());
            assertEquals("X25519", key.name());
            assertNull(serverSide.getEphemeralKeyInfo(), "Node: null on the server");

            assertNotNull(client.getFinished());
            assertArrayEquals(client.getFinished(), serverSide.getPeerFinished());
            assertArrayEquals(client.getPeerFinished(), serverSide.getFinished());
            assertFalse(client.isSessionReused());
            assertFalse(serverSide.isSessionReused());

            Certificate peer = client.getPeerCertificate();
            assertEquals("localhost", peer.subject().get("CN"));
            assertArrayEquals(cert.certificateDer(), peer.raw());
            assertNull(peer.issuerCertificate(), "not detailed");
            Certificate detailed = client.getPeerCertificate(true);
            Certificate top = detailed;
            while (top.issuerCertificate() != null && top.issuerCertificate() != top) {
                top = top.issuerCertificate();
            }
            assertEquals("TLS Test Root", top.subject().get("CN"), "chain completed from the trust store");
            assertArrayEquals(cert.certificateDer(), serverSide.getCertificate().raw());
            assertNull(client.getCertificate(), "a client without a certificate: Node's {}");
            assertNull(serverSide.getPeerCertificate(), "no client certificate: Node's {}");

            assertEquals("localhost", client.servername());
            assertEquals("localhost", serverSide.servername());
            assertNull(client.alpnProtocol());
            assertNull(serverSide.alpnProtocol());
            assertTrue(serverSide.isServer());
            assertSame(server, serverSide.server());
            assertFalse(client.isServer());
            assertEquals("127.0.0.1", client.remoteAddress());
            assertEquals(port, client.remotePort());
            assertEquals("IPv4", client.remoteFamily());
            assertEquals(client.localPort(), serverSide.remotePort());
            assertEquals("127.0.0.1", serverSide.localAddress());
            assertEquals(port, serverSide.address().port());
            assertEquals(32, client.exportKeyingMaterial(32, "EXPERIMENTAL-test", null).length);
            assertArrayEquals(client.exportKeyingMaterial(16, "EXPERIMENTAL-x", new byte[] {1}),
                    serverSide.exportKeyingMaterial(16, "EXPERIMENTAL-x", new byte[] {1}));

            client.destroy();
            await(events.closed);
            assertNull(client.getProtocol(), "null once destroyed");
            assertNull(client.getPeerCertificate(), "null once destroyed");
        }
    }

    @Test
    void gettersWorkFromAnotherThreadAndListenersRunOnTheLoop() {
        AtomicReference<String> listenerThread = new AtomicReference<>();
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).build(), s -> s.end());
        int port = listen(server);
        try (Closing closing = closing(server)) {
            CompletableFuture<Void> secure = new CompletableFuture<>();
            Recorder[] recorder = new Recorder[1];
            TlsSocket client = Tls.connect(clientTo(port).build(), s -> recorder[0] = new Recorder(s), () -> {
                listenerThread.set(Thread.currentThread().getName());
                secure.complete(null);
            });
            Recorder events = recorder[0];
            await(secure);
            assertTrue(listenerThread.get().startsWith("jtls-loop"), listenerThread.get());
            String protocol = client.getProtocol(); // from the test thread: "TLSv1.3", or null once closed
            assertTrue(protocol == null || protocol.equals("TLSv1.3"), protocol);
            await(events.closed);
        }
    }

    @Test
    void clientCertificateRequestedButNotRequired() {
        CompletableFuture<TlsSocket> accepted = new CompletableFuture<>();
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).requestCert(true).rejectUnauthorized(false)
                .ca(ROOT.certificatePem()).build(), accepted::complete);
        int port = listen(server);
        try (Closing closing = closing(server)) {
            // Without a certificate: accepted, not authorized.
            TlsSocket anonymous = Tls.connect(clientTo(port).build());
            TlsSocket serverSide = await(accepted);
            assertFalse(serverSide.authorized());
            assertEquals("UNABLE_TO_GET_ISSUER_CERT", serverSide.authorizationError(), "Node's answer for no certificate");
            assertNull(serverSide.getPeerCertificate());
            anonymous.destroy();

            // With one from the trusted root: authorized, and both sides see it.
            CompletableFuture<TlsSocket> second = new CompletableFuture<>();
            server.removeAllListeners(TlsServer.SECURE_CONNECTION);
            server.on(TlsServer.SECURE_CONNECTION, second::complete);
            CompletableFuture<Void> secure = new CompletableFuture<>();
            TlsSocket withCert = Tls.connect(clientTo(port).cert(CLIENT.certificatePem()).key(CLIENT.privateKeyPem()).build(),
                    () -> secure.complete(null));
            TlsSocket authorizedSide = await(second);
            await(secure);
            assertTrue(authorizedSide.authorized());
            assertNull(authorizedSide.authorizationError());
            assertEquals("tls client", authorizedSide.getPeerCertificate().subject().get("CN"));
            assertEquals("tls client", withCert.getCertificate().subject().get("CN"));
            withCert.destroy();

            // With a certificate from a root the server does not trust: accepted, not authorized.
            CompletableFuture<TlsSocket> third = new CompletableFuture<>();
            server.removeAllListeners(TlsServer.SECURE_CONNECTION);
            server.on(TlsServer.SECURE_CONNECTION, third::complete);
            TlsSocket untrusted = Tls.connect(clientTo(port).cert(UNTRUSTED_LEAF.certificatePem())
                    .key(UNTRUSTED_LEAF.privateKeyPem()).build());
            TlsSocket untrustedSide = await(third);
            assertFalse(untrustedSide.authorized());
            assertEquals("UNABLE_TO_VERIFY_LEAF_SIGNATURE", untrustedSide.authorizationError());
            untrusted.destroy();
        }
    }

    @Test
    void clientCertificateRequiredRejectsClientsWithoutOneAndUntrustedOnes() {
        CompletableFuture<Throwable> clientError = new CompletableFuture<>();
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).requestCert(true).ca(ROOT.certificatePem()).build(),
                s -> s.end("welcome"));
        server.on(TlsServer.TLS_CLIENT_ERROR, (error, socket) -> clientError.complete(error));
        int port = listen(server);
        try (Closing closing = closing(server)) {
            // No certificate: OpenSSL fails the handshake on the server (TLS 1.3: after the client's Finished).
            Recorder anonymousEvents = connect(clientTo(port).build()).events();
            assertEquals("ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE", code(await(clientError)));
            await(anonymousEvents.closed);
            assertEquals("", anonymousEvents.data(), "the server said nothing to a rejected client");
            Throwable seenByClient = await(anonymousEvents.error);
            assertEquals("ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED", code(seenByClient));

            // A certificate the server does not trust: the handshake completes, then Node's
            // onServerSocketSecure destroys the socket: tlsClientError ECONNRESET.
            CompletableFuture<Throwable> second = new CompletableFuture<>();
            server.removeAllListeners(TlsServer.TLS_CLIENT_ERROR);
            server.on(TlsServer.TLS_CLIENT_ERROR, (error, socket) -> second.complete(error));
            Recorder untrustedEvents = connect(clientTo(port).cert(UNTRUSTED_LEAF.certificatePem())
                    .key(UNTRUSTED_LEAF.privateKeyPem()).build()).events();
            Throwable hangUp = await(second);
            assertEquals("ECONNRESET", code(hangUp));
            assertEquals("socket hang up", hangUp.getMessage());
            await(untrustedEvents.closed);
            assertEquals("", untrustedEvents.data());

            // A trusted certificate: welcome.
            Recorder goodEvents = connect(clientTo(port).cert(CLIENT.certificatePem()).key(CLIENT.privateKeyPem()).build()).events();
            await(goodEvents.closed);
            assertEquals("welcome", goodEvents.data());
        }
    }

    @Test
    void alpnAgreementAndMismatch() {
        CompletableFuture<TlsSocket> accepted = new CompletableFuture<>();
        CompletableFuture<Throwable> serverError = new CompletableFuture<>();
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).alpnProtocols("h2", "http/1.1").build(), accepted::complete);
        server.on(TlsServer.TLS_CLIENT_ERROR, (error, socket) -> serverError.complete(error));
        int port = listen(server);
        try (Closing closing = closing(server)) {
            CompletableFuture<Void> secure = new CompletableFuture<>();
            TlsSocket client = Tls.connect(clientTo(port).alpnProtocols("http/1.1", "h2").build(), () -> secure.complete(null));
            await(secure);
            assertEquals("h2", client.alpnProtocol(), "the server's preference wins");
            assertEquals("h2", await(accepted).alpnProtocol());
            client.destroy();

            // Wire format, the other accepted form of ALPNProtocols.
            CompletableFuture<Void> secureWire = new CompletableFuture<>();
            byte[] wire = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
            TlsSocket wireClient = Tls.connect(clientTo(port).alpnProtocols(wire).build(), () -> secureWire.complete(null));
            await(secureWire);
            assertEquals("http/1.1", wireClient.alpnProtocol());
            wireClient.destroy();

            // No overlap: Node 20 fails the handshake with no_application_protocol on both sides.
            Recorder events = connect(clientTo(port).alpnProtocols("spdy/3").build()).events();
            assertEquals("ERR_SSL_NO_APPLICATION_PROTOCOL", code(await(serverError)));
            assertEquals("ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL", code(await(events.error)));
            assertFalse(events.events.contains("secureConnect"));

            // A client without ALPN still connects: alpnProtocol is Node's false.
            CompletableFuture<Void> plain = new CompletableFuture<>();
            TlsSocket noAlpn = Tls.connect(clientTo(port).build(), () -> plain.complete(null));
            await(plain);
            assertNull(noAlpn.alpnProtocol());
            noAlpn.destroy();
        }
    }

    @Test
    void alpnNamesAreCheckedAsNodeChecksThem() {
        String tooLong = "x".repeat(256);
        TlsRangeException e = assertThrows(TlsRangeException.class, () -> TlsConnectOptions.builder().alpnProtocols(tooLong));
        assertEquals("ERR_OUT_OF_RANGE", e.code());
        assertEquals("RangeError", e.name());
        byte[] malformed = {5, 'a'};
        TlsArgumentException bad = assertThrows(TlsArgumentException.class,
                () -> TlsServerOptions.builder().alpnProtocols(malformed));
        assertEquals("ERR_INVALID_ARG_VALUE", bad.code());
        assertEquals("TypeError", bad.name());
    }

    @Test
    void finishedMessagesDifferPerSide() {
        CompletableFuture<TlsSocket> accepted = new CompletableFuture<>();
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).build(), accepted::complete);
        int port = listen(server);
        try (Closing closing = closing(server)) {
            CompletableFuture<Void> secure = new CompletableFuture<>();
            TlsSocket client = Tls.connect(clientTo(port).build(), () -> secure.complete(null));
            await(secure);
            TlsSocket serverSide = await(accepted);
            assertFalse(Arrays.equals(client.getFinished(), client.getPeerFinished()));
            assertEquals("TLS_AES_256_GCM_SHA384", client.getCipher().name());
            assertEquals(48, client.getFinished().length, "TLS 1.3 with SHA-384: 48 bytes");
            Recorder serverEvents = new Recorder(serverSide);
            client.destroy();
            await(serverEvents.closed);
        }
    }
}
