package io.jtls;

import static io.jtls.TlsTesting.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jtls.net.EventLoop;
import io.jtls.net.EventLoopGroup;
import io.jtls.net.Socket;
import io.jtls.support.ManualClock;
import io.jtls.support.NativeLeakCheck;
import io.jtls.support.Waiting;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@code maxHandshakes} server option (beyond Node): beyond the limit a connection waits,
 * unread, until a handshake in progress ends; a waiting connection has the handshake timeout as
 * its bound. The handshakes are held in progress by an {@code SNICallback} that answers when the
 * test says.
 */
class MaxHandshakesTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @RegisterExtension
    final NativeLeakCheck nativeLeaks = NativeLeakCheck.eventually();

    /** The SNICallback's pending answers, in call order. */
    private static final class HeldSni implements SniCallback {
        final List<BiConsumer<Throwable, SecureContext>> calls = new CopyOnWriteArrayList<>();

        @Override
        public void select(String servername, BiConsumer<Throwable, SecureContext> callback) {
            calls.add(callback);
        }
    }

    @Test
    void connectionsBeyondTheLimitWaitUntilAHandshakeEnds() {
        HeldSni sni = new HeldSni();
        EventLoopGroup loops = new EventLoopGroup("max-handshakes", 1);
        EventLoop serverLoop = loops.loops().getFirst();
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).sniCallback(sni).maxHandshakes(2).group(loops).build(),
                echo());
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        server.on(TlsServer.CONNECTION, accepted::add);
        int port = listen(server);
        try (Closing closing = closing(server)) {
            Client c1 = connect(clientTo(port).build());
            eventually("first SNICallback", () -> sni.calls.size() == 1);
            Client c2 = connect(clientTo(port).build());
            eventually("second SNICallback", () -> sni.calls.size() == 2);
            Client c3 = connect(clientTo(port).build());
            // c3's ClientHello has left for the server, and the server's loop has turned since.
            eventually("c3 sent its ClientHello", () -> bytesWritten(c3) > 0);
            eventually("c3 accepted", () -> accepted.size() == 3);
            Waiting.loopTurns(serverLoop, 3, WAIT);
            assertEquals(2, sni.calls.size(), "the third handshake waits for a slot");
            assertEquals(0, undelivered(accepted.get(2)), "what was read of it (ahead, Node's readable buffer) "
                    + "waits in the socket: nothing reached TLS");

            sni.calls.get(0).accept(null, null); // c1's handshake completes: its slot goes to c3
            await(c1.secure());
            eventually("c3's SNICallback", () -> sni.calls.size() == 3);

            c2.socket().destroy(); // a handshake that ends by the peer leaving frees its slot too
            Client c4 = connect(clientTo(port).build());
            eventually("c4's SNICallback", () -> sni.calls.size() == 4);

            sni.calls.get(2).accept(null, null);
            sni.calls.get(3).accept(null, null);
            await(c3.secure());
            await(c4.secure());
            for (Client c : List.of(c1, c3, c4)) {
                c.socket().end();
                await(c.events().closed);
            }
            await(c2.events().closed);
        } finally {
            loops.shutdown();
        }
    }

    @Test
    void aConnectionWaitingLongerThanTheHandshakeTimeoutIsDestroyed() {
        HeldSni sni = new HeldSni();
        try (ManualClock clock = new ManualClock()) {
            Duration timeout = Duration.ofSeconds(10);
            TlsServer server = Tls.createServer(serverWith(SERVER_EC).sniCallback(sni).maxHandshakes(1)
                    .handshakeTimeout(timeout).group(clock.group("max-handshakes", 1)).build(), echo());
            List<Socket> accepted = new CopyOnWriteArrayList<>();
            server.on(TlsServer.CONNECTION, accepted::add);
            int port = listen(server);
            try (Closing closing = closing(server)) {
                Client holder = connect(clientTo(port).build());
                eventually("first SNICallback", () -> sni.calls.size() == 1);
                clock.advance(timeout.minusSeconds(5)); // the holder's handshake is 5 s from its timeout
                Client waiter = connect(clientTo(port).build());
                eventually("the second is accepted", () -> accepted.size() == 2);
                Waiting.loopTurns(accepted.get(1).loop(), 2, WAIT);
                clock.advance(Duration.ofSeconds(5)); // the holder times out; its slot goes to the waiter
                await(holder.events().closed);
                eventually("the waiter's SNICallback", () -> sni.calls.size() == 2);
                clock.advance(timeout); // the waiter's own handshake has the whole timeout, then ends
                await(waiter.events().closed);

                Client third = connect(clientTo(port).build()); // the slot is free again
                eventually("third SNICallback", () -> sni.calls.size() == 3);
                Client fourth = connect(clientTo(port).build());
                eventually("the fourth is accepted", () -> accepted.size() == 4);
                Waiting.loopTurns(accepted.get(3).loop(), 2, WAIT);
                sni.calls.get(2).accept(null, null);
                await(third.secure());
                eventually("the fourth's SNICallback", () -> sni.calls.size() == 4);
                sni.calls.get(3).accept(null, null);
                await(fourth.secure());
                third.socket().destroy();
                fourth.socket().destroy();
            }
        }
    }

    private static long bytesWritten(Client client) {
        Socket raw = (Socket) client.socket().transport();
        CompletableFuture<Long> n = new CompletableFuture<>();
        raw.loop().execute(() -> n.complete(raw.bytesWritten()));
        return await(n);
    }

    /** Bytes the raw socket read that are not waiting in its queue: 0 when nothing was delivered. */
    private static long undelivered(Socket raw) {
        CompletableFuture<Long> n = new CompletableFuture<>();
        raw.loop().execute(() -> n.complete(raw.bytesRead() - raw.readableLength()));
        return await(n);
    }
}
