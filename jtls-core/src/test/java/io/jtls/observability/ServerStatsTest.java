package io.jtls.observability;

import static io.jtls.observability.Observed.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jtls.TlsServerStats;
import io.jtls.support.NativeLeakCheck;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code TlsServer.stats()} after real handshakes: TLS 1.3 and 1.2, full and resumed, failed ones, bytes. */
class ServerStatsTest {
    @RegisterExtension
    final NativeLeakCheck nativeLeaks = NativeLeakCheck.eventually();

    @Test
    void countsHandshakesByProtocolResumptionsFailuresAndBytes() throws Exception {
        try (Server server = new Server(serverOptions().build())) {
            TlsServerStats fresh = server.tls.stats();
            assertEquals(0, fresh.handshakesCompleted());
            assertEquals(0.0, fresh.resumptionRate());
            assertEquals(Map.of(), fresh.failuresByCode());

            // TLS 1.3, full: counted while the connection is open, its bytes read live.
            Client first = new Client(clientOptions(server.port).maxVersion("TLSv1.3"), server.port)
                    .roundTrip("ping").awaitSessions(1);
            server.awaitSecured(1);
            TlsServerStats open = server.tls.stats();
            assertEquals(1, open.connectionsOpen());
            assertEquals(Map.of("TLSv1.3", 1L), open.completedByProtocol());
            assertEquals(0, open.handshakesResumed());
            // After the echo the server has read all the client sent; the client has read all the server sent.
            assertEquals(first.raw.bytesWritten(), open.bytesIn());
            assertEquals(first.raw.bytesRead(), open.bytesOut());
            long sentByClients = 0;
            first.end();
            sentByClients += first.raw.bytesWritten();

            Client resumed13 = new Client(clientOptions(server.port).maxVersion("TLSv1.3")
                    .session(first.sessions.getLast()), server.port).roundTrip("again");
            assertTrue(resumed13.reused);
            resumed13.end();
            sentByClients += resumed13.raw.bytesWritten();

            Client full12 = new Client(clientOptions(server.port).maxVersion("TLSv1.2"), server.port)
                    .roundTrip("old").awaitSessions(1);
            full12.end();
            sentByClients += full12.raw.bytesWritten();
            Client resumed12 = new Client(clientOptions(server.port).maxVersion("TLSv1.2")
                    .session(full12.sessions.getLast()), server.port).roundTrip("older");
            assertTrue(resumed12.reused);
            resumed12.end();
            sentByClients += resumed12.raw.bytesWritten();

            int answered = plainExchange(server.port, HTTP_REQUEST);
            server.awaitClientErrors(1);
            server.awaitSecured(4);
            server.awaitNoConnections();

            TlsServerStats stats = server.tls.stats();
            assertEquals(0, stats.connectionsOpen());
            assertEquals(4, stats.handshakesCompleted());
            assertEquals(Map.of("TLSv1.2", 2L, "TLSv1.3", 2L), stats.completedByProtocol());
            assertEquals(2, stats.handshakesResumed());
            assertEquals(Map.of("TLSv1.2", 1L, "TLSv1.3", 1L), stats.resumedByProtocol());
            assertEquals(0.5, stats.resumptionRate());
            assertEquals(1, stats.handshakesFailed());
            assertEquals(Map.of("ERR_SSL_HTTP_REQUEST", 1L), stats.failuresByCode());
            // Closed connections stay in the sums: every byte the clients sent, and the HTTP request.
            assertEquals(sentByClients + HTTP_REQUEST.length, stats.bytesIn());
            assertTrue(stats.bytesOut() >= open.bytesOut() + answered, stats.toString());
            assertThrows(UnsupportedOperationException.class, () -> stats.failuresByCode().put("x", 1L));
        }
    }

    /**
     * Connections open and close on two loops while another thread reads: the byte sums never go
     * back (a connection moving from the open to the closed sum is counted once), which a
     * monitoring system reading them as counters relies on.
     */
    @Test
    void snapshotsTakenWhileConnectionsComeAndGoNeverGoBack() throws Exception {
        try (Server server = new Server(serverOptions().build())) {
            java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.List<String> regressions = new java.util.concurrent.CopyOnWriteArrayList<>();
            java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
            Thread reader = Thread.ofPlatform().start(() -> {
                TlsServerStats last = server.tls.stats();
                while (!done.get()) {
                    TlsServerStats now = server.tls.stats();
                    reads.incrementAndGet();
                    if (now.bytesIn() < last.bytesIn() || now.bytesOut() < last.bytesOut()
                            || now.handshakesCompleted() < last.handshakesCompleted()) {
                        regressions.add(last + " -> " + now);
                    }
                    last = now;
                }
            });
            Runnable clients = () -> {
                for (int i = 0; i < 25; i++) {
                    new Client(clientOptions(server.port), server.port).roundTrip("x" + i).end();
                }
            };
            Thread a = Thread.ofPlatform().start(clients);
            Thread b = Thread.ofPlatform().start(clients);
            a.join();
            b.join();
            done.set(true);
            reader.join();
            server.awaitSecured(50);
            server.awaitNoConnections();
            assertEquals(List.of(), regressions);
            assertTrue(reads.get() > 0);
            assertEquals(50, server.tls.stats().handshakesCompleted());
        }
    }

    @Test
    void aRejectedClientCertificateCountsUnderItsVerificationCode() {
        try (Server server = new Server(serverOptions().requestCert(true).rejectUnauthorized(true)
                .ca(ROOT.certificatePem()).build())) {
            Client trusted = new Client(clientOptions(server.port).cert(CLIENT.certificatePem())
                    .key(CLIENT.privateKeyPem()), server.port).roundTrip("hello");
            trusted.end();
            Client stranger = new Client(clientOptions(server.port).maxVersion("TLSv1.2")
                    .cert(SELF_SIGNED_CLIENT.certificatePem()).key(SELF_SIGNED_CLIENT.privateKeyPem()), server.port);
            server.awaitClientErrors(1);
            stranger.destroy();
            server.awaitNoConnections();

            TlsServerStats stats = server.tls.stats();
            assertEquals("ECONNRESET", ((io.jtls.error.TlsException) server.clientErrors.getFirst()).code(),
                    "Node's code for the rejection");
            assertEquals(Map.of("DEPTH_ZERO_SELF_SIGNED_CERT", 1L), stats.failuresByCode());
            assertEquals(1, stats.handshakesCompleted());
            assertEquals(1, stats.handshakesFailed());
        }
    }

    @Test
    void aClientThatLeavesWithoutAByteIsAHangUp() throws Exception {
        try (Server server = new Server(serverOptions().build())) {
            assertEquals(0, plainExchange(server.port, new byte[0]));
            server.awaitClientErrors(1);
            server.awaitNoConnections();
            TlsServerStats stats = server.tls.stats();
            assertEquals(Map.of("ECONNRESET", 1L), stats.failuresByCode());
            assertEquals(0, stats.bytesIn());
            assertEquals(0, stats.bytesOut());
        }
    }
}
