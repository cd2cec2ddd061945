package io.jtls;

import static io.jtls.TlsTesting.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jtls.context.SecureContextOptions;
import io.jtls.error.TlsException;
import io.jtls.internal.openssl.NativeKind;
import io.jtls.net.Duplex;
import io.jtls.net.EventEmitter;
import io.jtls.support.NativeLeakCheck;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * 2,000 connections at once, many destroyed at random points (before the TCP connect completes,
 * mid-handshake, mid-transfer, from other threads, from either side): nothing crashes, no loop
 * gets stuck, the clean connections echo every byte, and every native object is freed.
 */
class TlsStressTest {
    private static final int CONNECTIONS = 2000;

    private enum Fate { DESTROY_AT_ONCE, DESTROY_SOON, DESTROY_MID_TRANSFER, ECHO }

    @Test
    void twoThousandConnectionsWithRandomDestroys() throws Exception {
        long nativeStart = NativeLeakCheck.settledLiveTotal();
        ScheduledExecutorService killers = Executors.newScheduledThreadPool(2);
        AtomicInteger serverSecure = new AtomicInteger();
        AtomicInteger serverKilled = new AtomicInteger();
        AtomicInteger clientErrors = new AtomicInteger();
        List<String> unexpected = new CopyOnWriteArrayList<>();
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).handshakeTimeout(Duration.ofSeconds(20)).build(), socket -> {
            serverSecure.incrementAndGet();
            socket.on(EventEmitter.ERROR, e -> { });
            if (ThreadLocalRandom.current().nextInt(20) == 0) {
                serverKilled.incrementAndGet();
                killers.schedule(() -> socket.destroy(), ThreadLocalRandom.current().nextInt(20), TimeUnit.MILLISECONDS);
            }
            socket.pipe(socket);
        });
        server.on(TlsServer.TLS_CLIENT_ERROR, (e, s) -> { });
        int port = listen(server);
        SecureContext clientContext = Tls.createSecureContext(SecureContextOptions.builder().ca(ROOT.certificatePem()).build());

        Random random = new Random(42);
        CountDownLatch allClosed = new CountDownLatch(CONNECTIONS);
        AtomicInteger echoed = new AtomicInteger();
        AtomicInteger echoAttempts = new AtomicInteger();
        ConcurrentHashMap<Fate, AtomicInteger> fates = new ConcurrentHashMap<>();
        byte[] payload = new byte[16 * 1024];
        random.nextBytes(payload);
        long start = System.nanoTime();
        for (int i = 0; i < CONNECTIONS; i++) {
            Fate fate = Fate.values()[random.nextInt(Fate.values().length)];
            fates.computeIfAbsent(fate, f -> new AtomicInteger()).incrementAndGet();
            int delay = random.nextInt(30);
            ByteBuffer received = ByteBuffer.allocate(payload.length);
            TlsSocket socket = Tls.connect(TlsConnectOptions.builder().host("127.0.0.1").servername("localhost").port(port)
                    .secureContext(clientContext).build(), s -> {
                s.on(EventEmitter.ERROR, e -> clientErrors.incrementAndGet());
                s.on(Duplex.CLOSE, hadError -> allClosed.countDown());
                if (fate == Fate.ECHO) {
                    s.on(Duplex.DATA, buf -> {
                        if (buf.remaining() <= received.remaining()) {
                            received.put(buf);
                        } else {
                            unexpected.add("more data than sent");
                        }
                    });
                } else {
                    s.resume(); // the echo of a connection about to die: discarded
                }
            }, null);
            switch (fate) {
                case DESTROY_AT_ONCE -> socket.destroy();
                case DESTROY_SOON -> killers.schedule(() -> socket.destroy(), delay, TimeUnit.MILLISECONDS);
                case DESTROY_MID_TRANSFER -> socket.once(TlsSocket.SECURE_CONNECT, () -> {
                    for (int k = 0; k < 8; k++) {
                        socket.write(ByteBuffer.wrap(payload));
                    }
                    killers.schedule(() -> socket.destroy(new TlsException("E_STRESS", "killed")), delay % 5,
                            TimeUnit.MILLISECONDS);
                });
                case ECHO -> socket.once(TlsSocket.SECURE_CONNECT, () -> {
                    echoAttempts.incrementAndGet();
                    socket.write(ByteBuffer.wrap(payload));
                    socket.on(Duplex.DATA, buf -> {
                        if (!received.hasRemaining()) {
                            if (Arrays.equals(received.array(), payload)) {
                                echoed.incrementAndGet();
                            } else {
                                unexpected.add("echo differs");
                            }
                            socket.end();
                        }
                    });
                });
            }
        }
        assertTrue(allClosed.await(50, TimeUnit.SECONDS), "connections still open: " + allClosed.getCount());
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        System.out.printf("%d connections in %d s: fates %s, server secure %d, server killed %d, echoed %d of %d,"
                + " client errors %d%n", CONNECTIONS, seconds, fates, serverSecure.get(), serverKilled.get(),
                echoed.get(), echoAttempts.get(), clientErrors.get());
        assertEquals(List.of(), unexpected);
        // An echo fails only when the server killed that connection.
        assertTrue(echoed.get() >= echoAttempts.get() - serverKilled.get(), echoed + " of " + echoAttempts);
        assertTrue(echoed.get() > CONNECTIONS / 8, "echoes completed: " + echoed);

        killers.shutdown();
        clientContext.close();
        close(server);
        eventually("every native object freed (" + NativeKind.liveTotal() + " live, " + nativeStart + " at start)",
                () -> NativeKind.liveTotal() == nativeStart);
    }
}
