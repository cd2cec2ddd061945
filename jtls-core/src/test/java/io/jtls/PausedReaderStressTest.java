package io.jtls;

import static io.jtls.TlsTesting.ROOT;
import static io.jtls.TlsTesting.SERVER_EC;
import static io.jtls.TlsTesting.close;
import static io.jtls.TlsTesting.listen;
import static io.jtls.TlsTesting.serverWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.net.Duplex;
import io.jtls.net.EventEmitter;
import io.jtls.net.OnRead;
import io.jtls.support.NativeLeakCheck;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Readers that pause while the server's whole answer, its close_notify and its FIN arrive: their
 * TCP socket ends both ways and closes under them while the TLS socket keeps the undelivered
 * records in its engine (TransportEvents). Each is then resumed, destroyed, or both at once, from
 * other threads at random moments. Every resumed reader that was not destroyed gets the whole
 * answer, every connection closes, every native object is freed once (none by the Cleaner).
 * (Before the TLS socket outlived its transport, about a third of the resumed readers closed
 * short of the answer.)
 */
class PausedReaderStressTest {
    private static final int CONNECTIONS = 300;
    private static final int ANSWER = 40 << 10; // with its close_notify and FIN: usually one read

    @Test
    void pausedReadersResumedOrDestroyedAtRandomGetEverythingOrFreeEverythingOnce() throws Exception {
        NativeLeakCheck.Baseline nativeStart = NativeLeakCheck.baseline();
        ScheduledExecutorService later = Executors.newScheduledThreadPool(2);
        byte[] answer = new byte[ANSWER];
        // allowHalfOpen: the server answers after the client's end, which comes with the request.
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).allowHalfOpen(true).build(), socket -> {
            socket.on(EventEmitter.ERROR, e -> { });
            socket.once(Duplex.DATA, request -> socket.end(ByteBuffer.wrap(answer)));
        });
        server.on(TlsServer.TLS_CLIENT_ERROR, (e, s) -> { });
        int port = listen(server);

        Random random = new Random(11);
        CountDownLatch allClosed = new CountDownLatch(CONNECTIONS);
        AtomicInteger served = new AtomicInteger();
        AtomicInteger shortAnswers = new AtomicInteger();
        for (int i = 0; i < CONNECTIONS; i++) {
            int kind = random.nextInt(3); // 0 resume later, 1 destroy later, 2 both at once
            int delay = random.nextInt(20);
            AtomicLong received = new AtomicLong();
            TlsSocket[] self = new TlsSocket[1];
            // onread with a 4 KiB buffer: the first callback takes 4 KiB and pauses; the rest of
            // the answer stays in the engine while the transport reads the FIN and closes.
            OnRead onread = OnRead.of(new byte[4096], (nread, buffer) -> {
                boolean first = received.get() == 0;
                received.addAndGet(nread);
                if (!first) {
                    return true;
                }
                TlsSocket s = self[0];
                if (kind != 1) later.schedule(() -> s.resume(), delay, TimeUnit.MILLISECONDS);
                if (kind != 0) later.schedule(() -> s.destroy(), delay, TimeUnit.MILLISECONDS);
                return false; // pauses, as Node
            });
            self[0] = Tls.connect(TlsConnectOptions.builder().host("127.0.0.1").port(port).servername("localhost")
                    .ca(ROOT.certificatePem()).onread(onread).build(), s -> {
                self[0] = s;
                s.on(EventEmitter.ERROR, e -> { });
                s.on(Duplex.CLOSE, hadError -> {
                    if (kind == 0) { // resumed, never destroyed: the whole answer, then 'end', then 'close'
                        if (s.readableEnded() && received.get() == ANSWER) served.incrementAndGet();
                        else shortAnswers.incrementAndGet();
                    }
                    allClosed.countDown();
                });
                s.on(TlsSocket.SECURE_CONNECT, () -> s.end("request"));
            }, null);
        }
        assertTrue(allClosed.await(60, TimeUnit.SECONDS), "connections still open: " + allClosed.getCount());
        assertEquals(0, shortAnswers.get(), "resumed readers that got less than the whole answer");
        assertTrue(served.get() > CONNECTIONS / 6, "resumed readers served whole: " + served);

        later.shutdown();
        assertTrue(later.awaitTermination(10, TimeUnit.SECONDS));
        close(server);
        nativeStart.assertEveryObjectFreedOnce();
    }
}
