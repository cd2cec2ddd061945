package io.jtls.net;

import static io.jtls.net.NetTesting.listen;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jtls.support.Waiting;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The descriptor of a destroyed socket is closed by its loop once the selector has dropped the
 * socket's key (EventLoop.closeWhenDeregistered), not by the JDK's deferred close: the peer must
 * still read EOF at once, and the descriptor must be released even when nothing else happens on
 * the loop afterwards. The peer is a plain blocking java.net.Socket, so that what it sees is the
 * kernel's answer, not jtls's.
 */
class SocketCloseTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private Server server;

    @AfterEach
    void closeServer() {
        if (server != null) server.close();
    }

    @Test
    void aDestroyedSocketSendsEofAndReleasesItsDescriptorOnAnIdleLoop() throws IOException {
        server = Net.createServer(Socket::destroy); // no end(): the close itself must tell the peer
        assertEofThenReset(listen(server));
    }

    @Test
    void anEndedThenDestroyedSocketDoesTheSame() throws IOException {
        // end() shuts the output first (the graceful path, where the close shuts nothing again).
        server = Net.createServer(socket -> socket.end(socket::destroy));
        assertEofThenReset(listen(server));
    }

    /**
     * A socket that ended and is destroyed at 'finish' while the peer's bytes sit unread in the
     * kernel (here: it never read at all) must still deliver its whole answer. Closing with unread
     * input makes Linux send a reset instead of the orderly end, and the reset drops what the
     * kernel had not delivered yet: the answer's last megabytes. After a graceful end the socket
     * reads and drops the peer's leftovers first. (Seen with TLS inside TLS, where the inner
     * connection's close destroys the outer one before the peer's close_notify and FIN are read.)
     */
    @Test
    void anAnswerEndedThenDestroyedArrivesWholeThoughThePeersInputWasNeverRead() throws Exception {
        byte[] answer = new byte[12 << 20]; // more than the loopback send and receive buffers hold
        CompletableFuture<Void> peerSent = new CompletableFuture<>();
        server = Net.createServer(ServerOptions.builder().pauseOnConnect(true).build(), socket ->
                peerSent.thenRun(() -> socket.loop().execute(() ->
                        socket.end(ByteBuffer.wrap(answer)).once(Duplex.FINISH, socket::destroy))));
        int port = listen(server);
        try (java.net.Socket peer = new java.net.Socket("127.0.0.1", port)) {
            peer.setSoTimeout((int) TIMEOUT.toMillis());
            peer.getOutputStream().write(new byte[64 << 10]); // lands in the server's receive queue, never read
            peer.shutdownOutput();
            peerSent.complete(null);
            InputStream in = peer.getInputStream();
            long received = 0;
            byte[] chunk = new byte[1 << 16];
            for (int n; (n = in.read(chunk)) >= 0; ) {
                received += n;
            }
            assertEquals(answer.length, received, "every byte of the answer, then EOF (no reset)");
        }
    }

    /**
     * The peer reads EOF, then its writes are answered with a reset: only a closed descriptor
     * does that (a socket whose output was merely shut takes the bytes in silence). Nothing else
     * happens on the server's loop meanwhile, so this also shows that the loop does not wait for
     * another event before it closes the descriptor.
     */
    private static void assertEofThenReset(int port) throws IOException {
        try (java.net.Socket peer = new java.net.Socket("127.0.0.1", port)) {
            peer.setSoTimeout((int) TIMEOUT.toMillis());
            InputStream in = peer.getInputStream();
            assertEquals(-1, in.read(), "the peer reads EOF");
            Waiting.eventually("the server's descriptor closed (the peer's write is reset)", TIMEOUT, () -> {
                try {
                    peer.getOutputStream().write(1);
                    return in.read() == -2; // EOF again (-1) until the reset arrives, which throws
                } catch (SocketException reset) {
                    return true;
                } catch (IOException other) {
                    return false;
                }
            });
        }
    }
}
