package io.jtls.ocsp;

import static org.junit.jupiter.api.Assertions.*;

import io.jtls.Tls;
import io.jtls.TlsConnectOptions;
import io.jtls.TlsServer;
import io.jtls.TlsServerOptions;
import io.jtls.TlsSocket;
import io.jtls.pki.HeldCertificate;
import io.jtls.support.NativeLeakCheck;
import io.jtls.support.OcspResponder;
import io.jtls.support.Waiting;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stapling helper against a real responder ({@code openssl ocsp} on 127.0.0.1) that the tests
 * stop and restart: the first handshake waits for the fetch, later ones are served from the cache
 * (also while the responder is down), a response is refreshed once half its validity is gone, the
 * last good one is served while the responder fails, and an expired one is never stapled. Time
 * moves on a test clock; handshakes are real (jtls client with {@code requestOCSP}, jtls server
 * with {@code stapler::onOcspRequest} as its {@code 'OCSPRequest'} listener).
 */
class OcspStaplerTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final long SERIAL = 0x0C5B01L;
    private static final HeldCertificate CA = HeldCertificate.builder().commonName("Stapler Test CA")
            .certificateAuthority(0).ec("prime256v1").build();

    @RegisterExtension
    final NativeLeakCheck nativeLeaks = NativeLeakCheck.eventually();
    @TempDir
    Path dir;

    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (AutoCloseable c : cleanup.reversed()) {
            c.close();
        }
    }

    /** A clock the test moves. */
    private static final class TestClock extends Clock {
        private volatile Instant now = Instant.now();

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override public Instant instant() { return now; }
        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { throw new UnsupportedOperationException(); }
    }

    /** A responder (responses valid 60 minutes) with the leaf's serial good, and the leaf naming it in its AIA. */
    private record Setup(OcspResponder responder, HeldCertificate leaf) {}

    private Setup responderAndLeaf() {
        OcspResponder responder = new OcspResponder(dir, CA, 60).good(BigInteger.valueOf(SERIAL)).start();
        cleanup.add(responder);
        HeldCertificate leaf = HeldCertificate.builder().commonName("localhost").addSubjectAltName("localhost")
                .serialNumber(SERIAL).ocspResponder(responder.url()).signedBy(CA).build();
        return new Setup(responder, leaf);
    }

    private OcspStapler stapler(TestClock clock) {
        OcspStapler stapler = OcspStapler.builder().clock(clock).timeout(Duration.ofSeconds(10)).build();
        cleanup.add(stapler);
        return stapler;
    }

    /** A server for {@code leaf} (its issuer as {@code ca}) with the stapler as its OCSPRequest listener. */
    private int server(HeldCertificate leaf, OcspStapler stapler) {
        TlsServer server = Tls.createServer(TlsServerOptions.builder().cert(leaf.certificatePem()).key(leaf.privateKeyPem())
                .ca(CA.certificatePem()).build(), s -> s.end());
        server.on(TlsServer.OCSP_REQUEST, stapler::onOcspRequest);
        cleanup.add(() -> Waiting.close(server, TIMEOUT));
        return Waiting.listen(server, TIMEOUT);
    }

    /** One handshake with requestOCSP: the stapled response, or null. */
    private static byte[] staple(int port) {
        CompletableFuture<byte[]> staple = new CompletableFuture<>();
        CompletableFuture<Boolean> closed = new CompletableFuture<>();
        CompletableFuture<Void> secure = new CompletableFuture<>();
        Tls.connect(TlsConnectOptions.builder().host("127.0.0.1").port(port).servername("localhost")
                .ca(CA.certificatePem()).requestOCSP(true).build(), s -> {
            s.on(TlsSocket.OCSP_RESPONSE, staple::complete);
            s.on(TlsSocket.ERROR, secure::completeExceptionally);
            s.on(TlsSocket.CLOSE, closed::complete);
            s.on(TlsSocket.DATA, b -> { });
        }, () -> secure.complete(null));
        Waiting.await(secure, TIMEOUT);
        Waiting.await(closed, TIMEOUT);
        return Waiting.await(staple, TIMEOUT);
    }

    private static String status(byte[] response, HeldCertificate leaf) throws Exception {
        assertNotNull(response, "a staple");
        return OcspCodec.status(response, leaf.certificateDer(), CA.certificateDer()).name();
    }

    @Test
    void cachedWhileTheResponderIsDownRefreshedAfterItsRestartNeverStapledOnceExpired() throws Exception {
        Setup s = responderAndLeaf();
        TestClock clock = new TestClock();
        OcspStapler stapler = stapler(clock);
        int port = server(s.leaf(), stapler);
        byte[] leafDer = s.leaf().certificateDer();
        byte[] caDer = CA.certificateDer();

        byte[] first = staple(port); // the handshake waited for the responder
        assertEquals("good", status(first, s.leaf()));

        s.responder().stop();
        assertArrayEquals(first, staple(port), "from the cache: the responder is down");

        clock.advance(Duration.ofMinutes(31)); // past half of the 60 minutes: a refresh is due
        assertArrayEquals(first, staple(port), "the last good response while the refresh fails");
        assertArrayEquals(first, Waiting.await(stapler.refresh(leafDer, caDer), TIMEOUT), "still the last good one");

        s.responder().revoke(BigInteger.valueOf(SERIAL)).start(); // same port, new index
        byte[] refreshed = Waiting.await(stapler.refresh(leafDer, caDer), TIMEOUT);
        assertEquals("revoked", status(refreshed, s.leaf()));
        assertArrayEquals(refreshed, staple(port), "the refreshed response is stapled");

        s.responder().stop();
        clock.advance(Duration.ofMinutes(61)); // past every response's nextUpdate
        assertNull(staple(port), "an expired response is never stapled; the responder is down: nothing");
    }

    @Test
    void aDueRefreshRunsInTheBackgroundWhileTheCachedResponseIsServed() throws Exception {
        Setup s = responderAndLeaf();
        TestClock clock = new TestClock();
        OcspStapler stapler = stapler(clock);
        int port = server(s.leaf(), stapler);
        byte[] first = staple(port);
        assertEquals("good", status(first, s.leaf()));

        s.responder().stop();
        s.responder().revoke(BigInteger.valueOf(SERIAL)).start();
        assertArrayEquals(first, staple(port), "fresh in the cache: the responder is not asked");

        clock.advance(Duration.ofMinutes(31));
        assertArrayEquals(first, staple(port), "due for a refresh: served at once, fetched behind");
        Waiting.eventually("the background refresh", TIMEOUT, () -> {
            byte[] now = Waiting.await(stapler.response(s.leaf().certificateDer(), CA.certificateDer()), TIMEOUT);
            try {
                return "revoked".equals(status(now, s.leaf()));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertEquals("revoked", status(staple(port), s.leaf()));
    }

    @Test
    void afterAFailureTheResponderIsAskedAgainOnlyAfterRetryAfter() throws Exception {
        Setup s = responderAndLeaf();
        s.responder().stop();
        TestClock clock = new TestClock();
        OcspStapler stapler = OcspStapler.builder().clock(clock).retryAfter(Duration.ofMinutes(5)).build();
        cleanup.add(stapler);
        int port = server(s.leaf(), stapler);

        assertNull(staple(port), "the responder is down: no staple, the handshake goes on");
        s.responder().start();
        assertNull(staple(port), "within retryAfter of the failure the responder is not asked");
        clock.advance(Duration.ofMinutes(5));
        assertEquals("good", status(staple(port), s.leaf()));
    }

    @Test
    void aDelegatedResponderIsAcceptedAResponseSignedByAnotherCaIsNot() throws Exception {
        HeldCertificate delegate = HeldCertificate.builder().commonName("Stapler Test OCSP Responder")
                .extendedKeyUsage("OCSPSigning").signedBy(CA).build();
        OcspResponder delegated = new OcspResponder(dir.resolve("delegated"), CA, delegate, 60)
                .good(BigInteger.valueOf(SERIAL)).start();
        cleanup.add(delegated);
        HeldCertificate otherCa = HeldCertificate.builder().commonName("Another CA").certificateAuthority(0).build();
        OcspResponder impostor = new OcspResponder(dir.resolve("impostor"), otherCa, 60)
                .good(BigInteger.valueOf(SERIAL)).start();
        cleanup.add(impostor);
        OcspStapler stapler = stapler(new TestClock());

        HeldCertificate viaDelegate = HeldCertificate.builder().commonName("localhost").addSubjectAltName("localhost")
                .serialNumber(SERIAL).ocspResponder(delegated.url()).signedBy(CA).build();
        assertEquals("good", status(staple(server(viaDelegate, stapler)), viaDelegate),
                "signed by a responder certificate the CA delegated (OCSPSigning)");

        HeldCertificate viaImpostor = HeldCertificate.builder().commonName("localhost").addSubjectAltName("localhost")
                .serialNumber(SERIAL).ocspResponder(impostor.url()).signedBy(CA).build();
        assertNull(staple(server(viaImpostor, stapler)), "a response another CA signed is not stapled");
        OcspCodec.BadResponse refused = assertThrows(OcspCodec.BadResponse.class, () -> OcspCodec.status(
                fetchWithOpenssl(impostor, viaImpostor), viaImpostor.certificateDer(), CA.certificateDer()));
        assertTrue(refused.getMessage().startsWith("OCSP response not signed by the issuer"), refused.getMessage());
    }

    /** The impostor's answer for {@code leaf}, fetched with the openssl CLI (which does not verify it here). */
    private byte[] fetchWithOpenssl(OcspResponder responder, HeldCertificate leaf) throws Exception {
        Path caFile = java.nio.file.Files.writeString(dir.resolve("stapler-ca.pem"), CA.certificatePem());
        Path leafFile = java.nio.file.Files.writeString(dir.resolve("stapler-leaf.pem"), leaf.certificatePem());
        Path out = dir.resolve("impostor.der");
        io.jtls.support.ExternalProcess.run(TIMEOUT, List.of("openssl", "ocsp", "-issuer", caFile.toString(),
                "-cert", leafFile.toString(), "-url", responder.url(), "-noverify", "-respout", out.toString()));
        return java.nio.file.Files.readAllBytes(out);
    }

    @Test
    void closingTheStaplerEndsAFetchInFlightAndTheHandshakeGoesOnWithoutAStaple() throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            HeldCertificate leaf = HeldCertificate.builder().commonName("localhost").addSubjectAltName("localhost")
                    .ocspResponder("http://127.0.0.1:" + silent.getLocalPort() + "/").signedBy(CA).build();
            OcspStapler stapler = OcspStapler.builder().clock(new TestClock()).timeout(Duration.ofMinutes(5)).build();
            cleanup.add(stapler);
            int port = server(leaf, stapler);
            CompletableFuture<byte[]> handshake = CompletableFuture.supplyAsync(() -> staple(port));
            try (java.net.Socket fetch = silent.accept()) { // the stapler's request arrived; it is never answered
                assertFalse(handshake.isDone(), "the handshake waits for the responder");
                stapler.close();
                assertNull(Waiting.await(handshake, TIMEOUT), "closed: the handshake completes without a staple");
            }
        }
    }

    @Test
    void nothingIsFetchedWithoutAResponderUrlOrAnIssuer() {
        HeldCertificate noAia = HeldCertificate.builder().commonName("localhost").addSubjectAltName("localhost").signedBy(CA).build();
        OcspStapler stapler = stapler(new TestClock());
        assertNull(Waiting.await(stapler.response(noAia.certificateDer(), CA.certificateDer()), TIMEOUT));
        assertNull(Waiting.await(stapler.response(noAia.certificateDer(), null), TIMEOUT));
        int port = server(noAia, stapler);
        assertNull(staple(port), "a certificate without AIA: the client hears that nothing was stapled");
    }
}
