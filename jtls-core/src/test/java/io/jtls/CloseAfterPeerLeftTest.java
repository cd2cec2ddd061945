package io.jtls;

import static io.jtls.TlsTesting.ROOT;
import static io.jtls.TlsTesting.SERVER_EC;
import static io.jtls.TlsTesting.await;
import static io.jtls.TlsTesting.clientTo;
import static io.jtls.TlsTesting.listen;
import static io.jtls.TlsTesting.serverWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jtls.support.ExternalProcess;
import io.jtls.support.JsJson;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Issue 7's close scenario: a client writes at {@code 'secureConnect'} and calls {@code end()}
 * a moment later, while the server goes away (it closes at once, with the client's bytes
 * unread, so its kernel answers them with an RST). Node's client sees a plain {@code end} every time (its TLS layer ignores
 * transport write errors once shutdown has begun); jtls's must too, never {@code 'error'
 * EPIPE}. Both clients run against the same jtls server in the same test run.
 */
class CloseAfterPeerLeftTest {
    private static final int TRIES = 100;
    private static final String PLAIN = "secureConnect,end,close(false)";

    @Test
    void endWhileTheServerClosesIsAPlainEndAsInNode() throws Exception {
        // The server closes each connection as soon as it is secure: the client's close_notify
        // then meets a reset connection and the transport write fails (EPIPE). Before the fix
        // jtls's client saw `secureConnect,end,error EPIPE,close(true)` about 3 times in 4.
        assertPlainEndLikeNode(TlsSocket::destroy);
    }

    private static void assertPlainEndLikeNode(Consumer<TlsSocket> serverSide) throws Exception {
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).build(), serverSide);
        try (TlsTesting.Closing closing = TlsTesting.closing(server)) {
            int port = listen(server);
            Map<String, Integer> jtls = new TreeMap<>();
            for (int i = 0; i < TRIES; i++) {
                jtls.merge(String.join(",", jtlsClientEvents(port)), 1, Integer::sum);
            }
            Map<String, Integer> node = nodeClientEvents(port);
            assertEquals(Map.of(PLAIN, TRIES), node, "Node's client, the reference");
            assertEquals(node, jtls, "jtls's client, same server, same run");
        }
    }

    private static List<String> jtlsClientEvents(int port) {
        List<String> events = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> closed = new CompletableFuture<>();
        Tls.connect(clientTo(port).build(), socket -> {
            socket.on(TlsSocket.DATA, data -> {});
            socket.on(TlsSocket.END, () -> events.add("end"));
            socket.on(TlsSocket.ERROR, e -> events.add("error " + (e instanceof io.jtls.error.TlsException t ? t.code() : e)));
            socket.on(TlsSocket.CLOSE, hadError -> {
                events.add("close(" + hadError + ")");
                closed.complete(null);
            });
            socket.once(TlsSocket.SECURE_CONNECT, () -> {
                events.add("secureConnect");
                socket.write("x");
                socket.loop().schedule(Duration.ofMillis(2), () -> socket.end());
            });
        }, null);
        await(closed);
        return events;
    }

    private static Map<String, Integer> nodeClientEvents(int port) throws Exception {
        Path script = Path.of(CloseAfterPeerLeftTest.class.getResource("/node/end-while-reset-client.js").toURI());
        String config = JsJson.stringify(Map.of("port", port, "count", TRIES, "ca", ROOT.certificatePem()));
        String output = ExternalProcess.run(Duration.ofSeconds(60), List.of("node", script.toString(), config)).ok();
        Map<String, Integer> counts = new TreeMap<>();
        output.lines().filter(l -> l.startsWith("sequence ")).forEach(l -> {
            String[] parts = l.split(" ", 3);
            counts.put(parts[2], Integer.parseInt(parts[1]));
        });
        return counts;
    }
}
