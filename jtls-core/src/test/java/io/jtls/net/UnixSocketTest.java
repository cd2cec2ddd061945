package io.jtls.net;

import static io.jtls.net.NetTesting.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** net over Unix-domain sockets (Node's {@code listen(path)} / {@code connect(path)}). */
class UnixSocketTest {
    @TempDir
    Path dir;

    @Test
    void echoOverAUnixSocketAndRemoveTheFileOnClose() {
        Path path = dir.resolve("echo.sock");
        Server server = Net.createServer(socket -> socket.pipe(socket));
        CompletableFuture<Void> listening = new CompletableFuture<>();
        server.listen(path, () -> listening.complete(null));
        await(listening);
        assertEquals(new AddressInfo(path.toString(), "unix", -1), server.address());
        assertTrue(Files.exists(path));

        Socket client = new Socket();
        NetTesting.Recorder events = new NetTesting.Recorder(client).readAll(client);
        client.connect(path, () -> client.end("over a unix socket"));
        assertFalse(await(events.closed));
        assertEquals("over a unix socket", events.data());
        assertNull(client.remoteAddress());
        assertEquals(-1, client.remotePort());
        assertEquals(18, client.bytesRead());

        CompletableFuture<Throwable> closed = new CompletableFuture<>();
        server.close(closed::complete);
        assertNull(await(closed));
        assertFalse(Files.exists(path), "libuv unlinks the socket file on close");
    }

    @Test
    void listeningOnAnExistingPathIsEaddrinuse() throws Exception {
        Path path = Files.createFile(dir.resolve("taken.sock"));
        Server server = Net.createServer(null);
        CompletableFuture<Throwable> error = new CompletableFuture<>();
        server.on(EventEmitter.ERROR, error::complete);
        server.listen(path);
        NetException e = (NetException) await(error);
        assertEquals("EADDRINUSE", e.code());
        assertEquals("listen EADDRINUSE: address already in use " + path, e.getMessage());
    }

    @Test
    void connectingToAMissingPathIsEnoent() {
        Path path = dir.resolve("missing.sock");
        Socket client = new Socket();
        CompletableFuture<Throwable> error = new CompletableFuture<>();
        client.on(EventEmitter.ERROR, error::complete);
        client.connect(path, null);
        NetException e = (NetException) await(error);
        assertEquals("ENOENT", e.code());
        assertEquals(-2, e.errno());
        assertEquals("connect", e.syscall());
        assertEquals(path.toString(), e.address());
        assertEquals("connect ENOENT " + path, e.getMessage());
    }
}
