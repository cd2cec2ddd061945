package io.jtls;

import static io.jtls.TlsTesting.ROOT;
import static io.jtls.TlsTesting.SERVER_EC;
import static io.jtls.TlsTesting.await;
import static io.jtls.TlsTesting.clientTo;
import static io.jtls.TlsTesting.listen;
import static io.jtls.TlsTesting.serverWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.net.Socket;
import io.jtls.pki.HeldCertificate;
import io.jtls.support.LogCapture;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * What an operator's log shows for the ordinary ways connections end or fail when the program
 * listens to none of it: nothing above DEBUG for a peer that goes away, one line per failed
 * handshake with its code and the peer, stack traces only at DEBUG.
 */
class DisconnectLoggingTest {

    @Test
    void anEofWithoutCloseNotifyIsAnOrdinaryEndAsInNode() {
        try (LogCapture log = new LogCapture("io.jtls")) {
            CompletableFuture<Boolean> serverClosed = new CompletableFuture<>();
            TlsServer server = Tls.createServer(serverWith(SERVER_EC).build(), socket -> {
                socket.on(TlsSocket.DATA, data -> {}); // no 'error' listener
                socket.on(TlsSocket.CLOSE, serverClosed::complete);
            });
            try (TlsTesting.Closing closing = TlsTesting.closing(server)) {
                int port = listen(server);
                CompletableFuture<TlsSocket> up = new CompletableFuture<>();
                Tls.connect(clientTo(port).build(), s -> {
                    s.on(TlsSocket.ERROR, e -> {});
                    s.once(TlsSocket.SECURE_CONNECT, () -> up.complete(s));
                }, null);
                ((Socket) await(up).transport()).end(); // TCP FIN, no close_notify
                assertFalse(await(serverClosed), "closed without error");
            }
            assertEquals("", log.text(), "nothing logged, at any level");
        }
    }

    @Test
    void aPeerResetOnAClientIsOneDebugLineWithThePeer() {
        CompletableFuture<TlsSocket> serverSide = new CompletableFuture<>();
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).build(), socket -> {
            socket.on(TlsSocket.ERROR, e -> {});
            serverSide.complete(socket);
        });
        try (TlsTesting.Closing closing = TlsTesting.closing(server); LogCapture log = new LogCapture("io.jtls")) {
            int port = listen(server);
            CompletableFuture<Boolean> clientClosed = new CompletableFuture<>();
            Tls.connect(clientTo(port).build(), s -> {
                s.on(TlsSocket.DATA, data -> {}); // no 'error' listener
                s.on(TlsSocket.CLOSE, clientClosed::complete);
            }, null);
            ((Socket) await(serverSide).transport()).resetAndDestroy();
            assertTrue(await(clientClosed), "the client closed with an error");
            List<String> lines = log.lines("ECONNRESET");
            assertEquals(1, lines.size(), log.text());
            assertTrue(lines.getFirst().startsWith("FINE: Unhandled 'error' event on TlsSocket[client, peer 127.0.0.1:"
                    + port + "]: ECONNRESET"), lines.getFirst());
            assertFalse(log.text().contains("WARNING") || log.text().contains("SEVERE"), log.text());
        }
    }

    @Test
    void aFailedHandshakeNobodyListensToIsOneInfoLineWithCodeAndPeer() {
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).build()); // no 'tlsClientError' listener
        try (TlsTesting.Closing closing = TlsTesting.closing(server); LogCapture log = new LogCapture("io.jtls", "INFO")) {
            int port = listen(server);
            CompletableFuture<Integer> localPort = new CompletableFuture<>();
            CompletableFuture<Boolean> gone = new CompletableFuture<>();
            Socket raw = new Socket(); // listeners first, then connect: none can miss its event
            raw.on(Socket.CONNECT, () -> localPort.complete(raw.localPort()));
            raw.on(Socket.ERROR, e -> {});
            raw.on(Socket.DATA, d -> {});
            raw.on(Socket.CLOSE, gone::complete);
            raw.connect(port, "127.0.0.1", null);
            raw.write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            await(gone); // the server answered with an alert and closed
            TlsTesting.eventually("the server logged the failure", () -> !log.lines("tlsClientError").isEmpty());
            List<String> lines = log.lines("tlsClientError");
            assertEquals(1, lines.size(), log.text());
            assertTrue(lines.getFirst().startsWith("INFO: tlsClientError on TlsSocket[server, peer 127.0.0.1:"
                    + await(localPort) + "]: ERR_SSL_"), lines.getFirst());
            assertFalse(log.text().contains("\tat "), "no stack trace above DEBUG: " + log.text());
        }
    }

    @Test
    void aRejectedClientCertificateIsLoggedWithItsReason() {
        HeldCertificate selfSigned = HeldCertificate.builder().commonName("mallory").extendedKeyUsage("clientAuth").build();
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).requestCert(true).rejectUnauthorized(true)
                .ca(ROOT.certificatePem()).build());
        try (TlsTesting.Closing closing = TlsTesting.closing(server); LogCapture log = new LogCapture("io.jtls", "INFO")) {
            int port = listen(server);
            CompletableFuture<Boolean> clientClosed = new CompletableFuture<>();
            Tls.connect(clientTo(port).cert(selfSigned.chainPem()).key(selfSigned.privateKeyPem()).build(), s -> {
                s.on(TlsSocket.ERROR, e -> {});
                s.on(TlsSocket.CLOSE, clientClosed::complete);
                s.on(TlsSocket.DATA, d -> {});
            }, null);
            await(clientClosed);
            TlsTesting.eventually("the server logged the rejection", () -> !log.lines("tlsClientError").isEmpty());
            List<String> lines = log.lines("tlsClientError");
            assertEquals(1, lines.size(), log.text());
            assertTrue(lines.getFirst().startsWith("INFO: tlsClientError on TlsSocket[server, peer 127.0.0.1:"), lines.getFirst());
            assertTrue(lines.getFirst().contains(": ECONNRESET socket hang up (cause: DEPTH_ZERO_SELF_SIGNED_CERT"
                    + " self-signed certificate; peer 127.0.0.1:"), lines.getFirst());
            assertTrue(lines.getFirst().endsWith("certificate \"CN=mallory\" issued by \"CN=mallory\")"), lines.getFirst());
        }
    }
}
