package io.jtls;

import static io.jtls.TlsTesting.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jtls.support.ManualClock;
import io.jtls.support.NativeLeakCheck;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The close_notify exchange has a bound (issue 11): a server that ended a connection (its
 * close_notify, then its FIN) drops a client that neither answers nor closes once
 * {@code halfCloseTimeout} has passed, so that {@code server.close()} completes. Time is a
 * {@link ManualClock}'s.
 */
class CloseBoundsTest {
    @RegisterExtension
    final NativeLeakCheck nativeLeaks = NativeLeakCheck.eventually();

    @Test
    void aClientThatNeverAnswersCloseNotifyIsDroppedAtTheHalfCloseTimeout() {
        Duration bound = Duration.ofSeconds(10);
        try (ManualClock clock = new ManualClock()) {
            CompletableFuture<TlsSocket> accepted = new CompletableFuture<>();
            TlsServer server = Tls.createServer(serverWith(SERVER_EC).halfCloseTimeout(bound)
                    .group(clock.group("close-bounds", 1)).build(), accepted::complete);
            int port = listen(server);
            Client client = connect(clientTo(port).build());
            await(client.secure());
            client.socket().pause(); // it will read nothing more: neither close_notify nor the FIN
            TlsSocket serverSocket = await(accepted);
            Recorder serverEvents = new Recorder(serverSocket);
            CompletableFuture<Void> finished = new CompletableFuture<>();
            serverSocket.end(() -> finished.complete(null));
            await(finished);
            clock.advance(bound.minusSeconds(1));
            assertFalse(serverSocket.destroyed(), "the client still has time");
            clock.advance(Duration.ofSeconds(1));
            assertFalse(await(serverEvents.closed), "dropped quietly, without an error");
            close(server);
            client.socket().destroy();
        }
    }

    @Test
    void nodesBehaviourWithoutTheBound() {
        assertEquals(TlsServerOptions.DEFAULT_HALF_CLOSE_TIMEOUT, serverWith(SERVER_EC).build().halfCloseTimeout());
        assertNull(serverWith(SERVER_EC).halfCloseTimeout(Duration.ZERO).build().netOptions().halfCloseTimeout());
    }
}
