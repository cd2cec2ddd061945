package io.jtls;

import static io.jtls.TlsTesting.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jtls.internal.openssl.NativeKind;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class TlsSocketTest {

    @Test
    void clientAndServerHandshakeAndEcho() {
        long nativeStart = NativeKind.liveTotal();
        CompletableFuture<TlsSocket> accepted = new CompletableFuture<>();
        TlsServer server = Tls.createServer(serverWith(SERVER_EC).build(), socket -> {
            accepted.complete(socket);
            socket.pipe(socket);
        });
        int port = listen(server);
        CompletableFuture<Void> secure = new CompletableFuture<>();
        TlsSocket client = Tls.connect(clientTo(port).build(), () -> secure.complete(null));
        Recorder events = new Recorder(client).readAll(client);
        await(secure);
        assertTrue(client.authorized(), "authorized");
        assertNull(client.authorizationError());
        assertEquals("TLSv1.3", client.getProtocol());
        client.write("hello");
        client.end(" world");
        assertFalse(await(events.closed));
        assertEquals("hello world", events.data());
        TlsSocket serverSide = await(accepted);
        assertFalse(serverSide.authorized());
        close(server);
        eventually("native objects freed", () -> NativeKind.liveTotal() == nativeStart);
    }
}
