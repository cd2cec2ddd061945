package io.jtls.net;

import static io.jtls.net.NetTesting.listen;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jtls.support.Waiting;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.time.Duration;
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
