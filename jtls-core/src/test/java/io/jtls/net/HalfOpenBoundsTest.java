package io.jtls.net;

import static org.junit.jupiter.api.Assertions.*;

import io.jtls.support.ManualClock;
import io.jtls.support.Waiting;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Half-open connections have a way out (issue 11): a socket nobody reads still notices its peer
 * leaving (it reads ahead, as Node's readable buffer, up to the high-water mark), so a server's
 * {@code close()} completes; and with {@code halfCloseTimeout}, a peer that neither answers this
 * side's end nor closes is dropped when the bound passes (measured on a {@link ManualClock}).
 */
class HalfOpenBoundsTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @Test
    void aSocketNobodyReadsNoticesThePeerLeavingAndTheServerCloses() throws Exception {
        CompletableFuture<Socket> accepted = new CompletableFuture<>();
        Server server = Net.createServer(accepted::complete); // never reads, never ends
        int port = Waiting.listen(server, WAIT);
        try (java.net.Socket client = new java.net.Socket("127.0.0.1", port)) {
            Socket socket = Waiting.await(accepted, WAIT);
            CompletableFuture<Boolean> closed = new CompletableFuture<>();
            socket.on(Duplex.CLOSE, closed::complete);
            CompletableFuture<Void> serverClosed = server.closeAsync();
            client.close();
            assertFalse(Waiting.await(closed, WAIT), "'end' then, with allowHalfOpen false, its own end and 'close'");
            Waiting.await(serverClosed, WAIT);
        }
    }

    @Test
    void readingAheadStopsAtTheHighWaterMark() throws Exception {
        CompletableFuture<Socket> accepted = new CompletableFuture<>();
        Server server = Net.createServer(accepted::complete);
        int port = Waiting.listen(server, WAIT);
        try (java.net.Socket client = new java.net.Socket("127.0.0.1", port)) {
            Socket socket = Waiting.await(accepted, WAIT);
            client.getOutputStream().write(new byte[64 * 1024]); // more than the mark, well within the kernel buffers
            Waiting.eventually("read ahead to the mark", WAIT, () -> onLoop(socket, socket::readableLength)
                    >= Duplex.DEFAULT_HIGH_WATER_MARK);
            Waiting.loopTurns(socket.loop(), 3, WAIT);
            assertEquals(Duplex.DEFAULT_HIGH_WATER_MARK, onLoop(socket, socket::readableLength), "and no further");
            socket.destroy();
        } finally {
            Waiting.close(server, WAIT);
        }
    }

    @Test
    void aPeerThatNeverAnswersOurEndIsDroppedAtTheHalfCloseTimeout() throws Exception {
        Duration bound = Duration.ofSeconds(10);
        try (ManualClock clock = new ManualClock()) {
            CompletableFuture<Socket> accepted = new CompletableFuture<>();
            Server server = Net.createServer(ServerOptions.builder().group(clock.group("half-close", 1))
                    .halfCloseTimeout(bound).build(), socket -> {
                        socket.end("bye\n".getBytes()); // our side ends at once
                        accepted.complete(socket);
                    });
            int port = Waiting.listen(server, WAIT);
            try (java.net.Socket client = new java.net.Socket("127.0.0.1", port)) {
                Socket socket = Waiting.await(accepted, WAIT);
                InputStream in = client.getInputStream();
                assertEquals("bye\n", new String(in.readNBytes(4)));
                assertEquals(-1, in.read(), "our FIN arrived"); // the client stays, silent
                Waiting.eventually("finished", WAIT, () -> onLoop(socket, socket::writableFinished));
                clock.advance(bound.minusSeconds(1));
                assertFalse(onLoop(socket, socket::destroyed), "the peer still has time");
                clock.advance(Duration.ofSeconds(1));
                Waiting.eventually("dropped", WAIT, () -> onLoop(socket, socket::closed));
                Waiting.await(server.closeAsync(), WAIT);
            }
        }
    }

    private static <T> T onLoop(Socket socket, java.util.function.Supplier<T> read) {
        CompletableFuture<T> value = new CompletableFuture<>();
        socket.loop().execute(() -> value.complete(read.get()));
        return Waiting.await(value, WAIT);
    }
}
