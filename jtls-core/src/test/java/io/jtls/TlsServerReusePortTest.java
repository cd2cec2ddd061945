package io.jtls;

import static io.jtls.TlsTesting.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jtls.net.EventLoopGroup;
import io.jtls.net.ListenOptions;
import io.jtls.support.NativeLeakCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A TLS server listening with {@code reusePort} on a group of two loops: the kernel spreads the
 * connections over both loops' sockets and each handshake runs on the loop that accepted it;
 * a graceful close ends the connections of both loops with {@code close_notify}.
 */
class TlsServerReusePortTest {
    private static final int CLIENTS = 40;

    @RegisterExtension
    final NativeLeakCheck nativeLeaks = NativeLeakCheck.eventually();

    private final EventLoopGroup group = new EventLoopGroup("tls-reuse", 2);

    @AfterEach
    void stop() throws Exception {
        group.shutdown();
        assertTrue(group.awaitTermination(Duration.ofSeconds(15)));
    }

    @Test
    void handshakesRunOnBothLoopsAndAGracefulCloseEndsThemAll() throws Exception {
        List<String> secureOn = new CopyOnWriteArrayList<>();
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).group(group).build(), socket -> {
            secureOn.add(Thread.currentThread().getName() + "|" + socket.loop().name());
            socket.write("ok");
        });
        int port = await(server.listenAsync(ListenOptions.builder().port(0).host("127.0.0.1").reusePort(true).build()))
                .port();
        List<Recorder> clients = new ArrayList<>();
        List<CompletableFuture<Void>> greeted = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            CompletableFuture<Void> ok = new CompletableFuture<>();
            CompletableFuture<Recorder> recorded = new CompletableFuture<>();
            Tls.connect(clientTo(port).build(), client -> {
                Recorder recorder = new Recorder(client).readAll(client);
                client.on(io.jtls.net.Duplex.DATA, buf -> {
                    if (recorder.data().equals("ok")) ok.complete(null);
                });
                recorded.complete(recorder);
            }, null);
            clients.add(await(recorded));
            greeted.add(ok);
        }
        for (CompletableFuture<Void> ok : greeted) await(ok);
        assertEquals(CLIENTS, secureOn.size(), "every handshake completed");
        Map<String, Long> perLoop = secureOn.stream().collect(Collectors.groupingBy(s -> s, Collectors.counting()));
        assertEquals(Set.of("tls-reuse-0|tls-reuse-0", "tls-reuse-1|tls-reuse-1"), perLoop.keySet(),
                "'secureConnection' on the connection's own loop, on both loops: " + perLoop);
        CompletableFuture<Integer> open = new CompletableFuture<>();
        server.getConnections((err, n) -> open.complete(n));
        assertEquals(CLIENTS, await(open), "counted across both loops");

        // The clients stay idle: the grace period's close_notify is what ends them, on both loops.
        await(server.close(Duration.ofSeconds(15)));
        for (Recorder client : clients) {
            assertFalse(await(client.closed), "closed without error: " + client.events);
            assertTrue(client.events.contains("end"), "ended by the server's close_notify: " + client.events);
        }
        assertNull(server.address());
    }
}
