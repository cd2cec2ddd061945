package io.jtls;

import static io.jtls.TlsTesting.ROOT;
import static io.jtls.TlsTesting.SERVER_EC;
import static io.jtls.TlsTesting.close;
import static io.jtls.TlsTesting.listen;
import static io.jtls.TlsTesting.serverWith;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.context.SecureContextOptions;
import io.jtls.net.Duplex;
import io.jtls.net.EventEmitter;
import io.jtls.pki.HeldCertificate;
import io.jtls.support.NativeLeakCheck;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The native paths this session added, under abuse: connections whose handshakes pause for an
 * asynchronous SNICallback (copying another context's certificates into the SSL), an
 * 'OCSPRequest' answered later (a staple handed to OpenSSL), 'resumeSession' lookups and
 * 'newSession' saves, key log lines on both sides, resumption with saved sessions — and that are
 * destroyed at random moments from other threads, while paused, while the answers are on their
 * way. Nothing crashes, every connection closes, every native object is freed once (none by the
 * Cleaner).
 */
class PausedHandshakeStressTest {
    private static final int CONNECTIONS = 600;
    private static final HeldCertificate BETA = HeldCertificate.builder().commonName("beta.test")
            .addSubjectAltName("beta.test").signedBy(ROOT).build();

    @Test
    void pausedHandshakesDestroyedAtRandomFreeEverythingOnce() throws Exception {
        NativeLeakCheck.Baseline nativeStart = NativeLeakCheck.baseline();
        ScheduledExecutorService later = Executors.newScheduledThreadPool(2);
        SecureContext beta = Tls.createSecureContext(SecureContextOptions.builder()
                .cert(BETA.chainPem()).key(BETA.privateKeyPem()).build());
        byte[] staple = new byte[300]; // opaque to TLS: the client does not parse what it is given
        Map<String, byte[]> cache = new ConcurrentHashMap<>();
        AtomicInteger keylogLines = new AtomicInteger();
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).handshakeTimeout(Duration.ofSeconds(20))
                .sniCallback((name, cb) -> later.schedule(() -> cb.accept(null, name.equals("beta.test") ? beta : null),
                        ThreadLocalRandom.current().nextInt(3), TimeUnit.MILLISECONDS))
                .build(), socket -> {
            socket.on(EventEmitter.ERROR, e -> { });
            socket.pipe(socket);
        });
        server.on(TlsServer.TLS_CLIENT_ERROR, (e, s) -> { });
        server.on(TlsServer.OCSP_REQUEST, (cert, issuer, cb) -> later.schedule(() -> cb.call(null, staple),
                ThreadLocalRandom.current().nextInt(3), TimeUnit.MILLISECONDS));
        server.on(TlsServer.NEW_SESSION, (id, data, done) -> {
            cache.put(HexFormat.of().formatHex(id), data);
            later.schedule(done, ThreadLocalRandom.current().nextInt(2), TimeUnit.MILLISECONDS);
        });
        server.on(TlsServer.RESUME_SESSION, (id, cb) -> later.schedule(
                () -> cb.call(null, cache.get(HexFormat.of().formatHex(id))), 1, TimeUnit.MILLISECONDS));
        server.on(TlsServer.KEYLOG, (line, socket) -> keylogLines.incrementAndGet());
        int port = listen(server);

        Random random = new Random(7);
        Map<Integer, byte[]> sessions = new ConcurrentHashMap<>();
        CountDownLatch allClosed = new CountDownLatch(CONNECTIONS);
        AtomicInteger secure = new AtomicInteger();
        for (int i = 0; i < CONNECTIONS; i++) {
            int kind = random.nextInt(4); // 0 destroy at once, 1 soon, 2 after secure, 3 end normally
            int delay = random.nextInt(6);
            boolean tls12 = random.nextBoolean();
            byte[] session = sessions.get(random.nextInt(8));
            TlsSocket socket = Tls.connect(TlsConnectOptions.builder().host("127.0.0.1").port(port)
                    .servername(random.nextBoolean() ? "beta.test" : "localhost").ca(ROOT.certificatePem())
                    .maxVersion(tls12 ? "TLSv1.2" : "TLSv1.3").requestOCSP(true).session(session).build(), s -> {
                s.on(EventEmitter.ERROR, e -> { });
                s.on(Duplex.CLOSE, hadError -> allClosed.countDown());
                s.on(TlsSocket.KEYLOG, line -> keylogLines.incrementAndGet());
                s.on(TlsSocket.OCSP_RESPONSE, response -> { });
                s.on(TlsSocket.SESSION, data -> sessions.put(ThreadLocalRandom.current().nextInt(8), data));
                s.on(TlsSocket.SECURE_CONNECT, () -> {
                    secure.incrementAndGet();
                    if (kind == 2) {
                        later.schedule(() -> s.destroy(), delay, TimeUnit.MILLISECONDS);
                    } else if (kind == 3) {
                        s.end("bye");
                    }
                });
                s.resume();
            }, null);
            if (kind == 0) {
                socket.destroy();
            } else if (kind == 1) {
                later.schedule(() -> socket.destroy(), delay, TimeUnit.MILLISECONDS);
            }
        }
        assertTrue(allClosed.await(60, TimeUnit.SECONDS), "connections still open: " + allClosed.getCount());
        assertTrue(secure.get() > CONNECTIONS / 8, "handshakes completed: " + secure);
        assertTrue(keylogLines.get() > 0, "key log lines seen");

        later.shutdown();
        assertTrue(later.awaitTermination(10, TimeUnit.SECONDS));
        close(server);
        beta.close();
        nativeStart.assertEveryObjectFreedOnce();
    }
}
