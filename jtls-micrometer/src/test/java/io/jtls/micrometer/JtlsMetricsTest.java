package io.jtls.micrometer;

import static org.junit.jupiter.api.Assertions.*;

import io.jtls.Tls;
import io.jtls.TlsConnectOptions;
import io.jtls.TlsServer;
import io.jtls.TlsServerOptions;
import io.jtls.TlsSocket;
import io.jtls.net.Duplex;
import io.jtls.pki.HeldCertificate;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** A server's meters in a {@link SimpleMeterRegistry} after real handshakes. */
class JtlsMetricsTest {
    private static final HeldCertificate ROOT = HeldCertificate.builder().commonName("Metrics Test Root")
            .certificateAuthority(0).build();
    private static final HeldCertificate SERVER = HeldCertificate.builder().commonName("localhost")
            .addSubjectAltName("localhost").addSubjectAltName("127.0.0.1").signedBy(ROOT).build();

    @Test
    void theRegistryShowsHandshakesFailuresAndBytes() throws Exception {
        AtomicInteger secured = new AtomicInteger();
        List<Throwable> clientErrors = new CopyOnWriteArrayList<>();
        TlsServer server = Tls.createServer(TlsServerOptions.builder().cert(SERVER.chainPem()).key(SERVER.privateKeyPem())
                .build(), socket -> socket.pipe(socket));
        server.on(TlsServer.SECURE_CONNECTION, socket -> secured.incrementAndGet());
        server.on(TlsServer.TLS_CLIENT_ERROR, (error, socket) -> clientErrors.add(error));
        CompletableFuture<Integer> listening = new CompletableFuture<>();
        server.listen(0, "127.0.0.1", () -> listening.complete(server.address().port()));
        int port = listening.get(15, TimeUnit.SECONDS);
        MeterRegistry registry = new SimpleMeterRegistry();
        JtlsMetrics.bind(server, registry, Tag.of("server", "test"));
        try {
            assertEquals(0, counter(registry, JtlsMetrics.HANDSHAKES, "protocol", "TLSv1.3", "resumed", "false"),
                    "TLS 1.3 and 1.2 have meters before any handshake");

            byte[] session = handshake(port, "TLSv1.3", null);
            handshake(port, "TLSv1.3", session);
            handshake(port, "TLSv1.2", null);
            try (java.net.Socket plain = new java.net.Socket()) {
                plain.connect(new InetSocketAddress("127.0.0.1", port));
                plain.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                plain.shutdownOutput();
                InputStream in = plain.getInputStream();
                in.readAllBytes();
            }
            eventually(() -> secured.get() == 3 && clientErrors.size() == 1 && server.stats().connectionsOpen() == 0);

            scrape(registry); // a failure code seen for the first time gets its meter at a reading
            assertEquals(1, counter(registry, JtlsMetrics.HANDSHAKES, "protocol", "TLSv1.3", "resumed", "false"));
            assertEquals(1, counter(registry, JtlsMetrics.HANDSHAKES, "protocol", "TLSv1.3", "resumed", "true"));
            assertEquals(1, counter(registry, JtlsMetrics.HANDSHAKES, "protocol", "TLSv1.2", "resumed", "false"));
            assertEquals(0, counter(registry, JtlsMetrics.HANDSHAKES, "protocol", "TLSv1.2", "resumed", "true"));
            assertEquals(1, counter(registry, JtlsMetrics.FAILURES, "code", "ERR_SSL_HTTP_REQUEST"));
            assertEquals(0, registry.get(JtlsMetrics.CONNECTIONS).gauge().value());
            assertEquals(1.0 / 3, registry.get(JtlsMetrics.RESUMPTION_RATIO).gauge().value(), 1e-9);
            double received = counter(registry, JtlsMetrics.BYTES_RECEIVED);
            assertEquals(server.stats().bytesIn(), received);
            assertTrue(received > 3 * 200, "three ClientHellos at least: " + received);
            assertEquals(server.stats().bytesOut(), counter(registry, JtlsMetrics.BYTES_SENT));
            for (Meter meter : registry.getMeters()) {
                assertEquals("test", meter.getId().getTag("server"), meter.getId().toString());
            }
        } finally {
            CompletableFuture<Void> closed = new CompletableFuture<>();
            server.close(error -> closed.complete(null));
            closed.get(15, TimeUnit.SECONDS);
        }
    }

    /** Reads every meter, as a registry's publisher does. */
    private static void scrape(MeterRegistry registry) {
        for (Meter meter : registry.getMeters()) {
            meter.measure().forEach(m -> m.getValue());
        }
    }

    private static double counter(MeterRegistry registry, String name, String... tags) {
        FunctionCounter counter = registry.find(name).tags(tags).functionCounter();
        assertNotNull(counter, name + " " + List.of(tags) + " in " + registry.getMeters().stream().map(Meter::getId).toList());
        return counter.count();
    }

    /** One connection with {@code version}: a round trip, the session a full handshake got, then close_notify. */
    private static byte[] handshake(int port, String version, byte[] session) throws Exception {
        CompletableFuture<byte[]> sessionOut = new CompletableFuture<>();
        CompletableFuture<String> echo = new CompletableFuture<>();
        CompletableFuture<Void> closed = new CompletableFuture<>();
        TlsConnectOptions options = TlsConnectOptions.builder().host("127.0.0.1").port(port).servername("localhost")
                .ca(ROOT.certificatePem()).minVersion(version).maxVersion(version).session(session).build();
        TlsSocket socket = Tls.connect(options, s -> {
            s.on(TlsSocket.SESSION, sessionOut::complete);
            s.on(Duplex.DATA, data -> echo.complete(StandardCharsets.UTF_8.decode(data).toString()));
            s.on(Duplex.CLOSE, hadError -> closed.complete(null));
        }, null);
        socket.write("ping");
        assertEquals("ping", echo.get(15, TimeUnit.SECONDS));
        byte[] got = session == null ? sessionOut.get(15, TimeUnit.SECONDS) : null; // a resumption may bring none
        assertEquals(session != null, socket.isSessionReused());
        socket.end();
        closed.get(15, TimeUnit.SECONDS);
        return got;
    }

    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("condition not met within 15 s");
            }
            Thread.sleep(10);
        }
    }
}
