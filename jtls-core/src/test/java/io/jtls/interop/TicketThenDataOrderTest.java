package io.jtls.interop;

import static io.jtls.interop.JtlsPeer.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jtls.Tls;
import io.jtls.TlsServer;
import io.jtls.TlsSocket;
import io.jtls.net.Duplex;
import io.jtls.support.NativeLeakCheck;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TLS 1.3 client that reads the server's tickets and its first data in one read emits
 * {@code 'session'} before {@code 'data'}, as Node does (OpenSSL runs the new-session callback
 * inside the {@code SSL_read} that then returns the data, and Node emits at once). Found by the
 * interop matrix: a client that ends on the first reply and keeps the latest session had none.
 * A proxy makes the read deterministic: it holds everything the server sends after the client's
 * Finished and hands it over in one write.
 */
class TicketThenDataOrderTest {
    @RegisterExtension
    final NativeLeakCheck nativeLeaks = NativeLeakCheck.eventually();

    @Test
    void sessionIsEmittedBeforeTheDataThatFollowsTheTicket() throws Exception {
        TlsServer server = Tls.createServer(serverWith(InteropCerts.SERVER_EC).minVersion("TLSv1.3").build(),
                socket -> socket.end("hello\n"));
        try (CoalescingProxy proxy = new CoalescingProxy(listen(server))) {
            List<String> events = Collections.synchronizedList(new ArrayList<>());
            CompletableFuture<Void> closed = new CompletableFuture<>();
            connect(clientTo(proxy.port()).build(), s -> {
                s.on(TlsSocket.SESSION, session -> events.add("session"));
                s.on(Duplex.DATA, chunk -> events.add("data " + utf8(chunk).trim()));
                s.on(Duplex.CLOSE, hadError -> closed.complete(null));
            });
            await(closed);
            assertEquals(1, proxy.heldWrites(), "the tickets and the data reached the client in one write");
            // OpenSSL 3.0's server sends two tickets
            assertEquals(List.of("session", "session", "data hello"), events);
        } finally {
            close(server);
        }
    }

    /** The reference: Node's client, given the same bytes in one piece, emits in that order. */
    @Test
    void nodeEmitsTheSameOrder(@TempDir Path dir) throws Exception {
        TlsServer server = Tls.createServer(serverWith(InteropCerts.SERVER_EC).minVersion("TLSv1.3").build(),
                socket -> socket.end("hello\n"));
        try (CoalescingProxy proxy = new CoalescingProxy(listen(server));
             NodePeer node = NodePeer.client(Config.of("port", proxy.port(), "ca", InteropCerts.writeCa(dir, "root", InteropCerts.ROOT),
                     "servername", "localhost", "printData", true, "endImmediately", false))) {
            node.await("close");
            assertEquals(1, proxy.heldWrites(), "the tickets and the data reached the client in one write");
            List<String> events = node.events().stream().map(e -> String.valueOf(e.get("event")))
                    .filter(e -> e.equals("session") || e.equals("data")).toList();
            assertEquals(List.of("session", "session", "data"), events);
        } finally {
            close(server);
        }
    }

    /**
     * Forwards the client's bytes at once and the server's bytes at once until the client sent
     * an encrypted record (its Finished); from then on it keeps the server's bytes until the
     * server closes, and writes them to the client in one piece.
     */
    static final class CoalescingProxy implements AutoCloseable {
        private final ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        private final int target;
        private volatile boolean clientFinished;
        private volatile int heldWrites;
        private final List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());

        CoalescingProxy(int target) throws IOException {
            this.target = target;
            Thread.ofPlatform().daemon().name("coalescing-proxy").start(this::run);
        }

        int port() {
            return listener.getLocalPort();
        }

        int heldWrites() {
            return heldWrites;
        }

        private void run() {
            try (Socket client = listener.accept(); Socket server = new Socket(InetAddress.getLoopbackAddress(), target)) {
                sockets.add(client);
                sockets.add(server);
                Thread.ofPlatform().daemon().start(() -> clientToServer(client, server));
                InputStream in = server.getInputStream();
                OutputStream out = client.getOutputStream();
                ByteArrayOutputStream held = new ByteArrayOutputStream();
                byte[] buf = new byte[16384];
                for (int n; (n = in.read(buf)) > 0; ) {
                    if (clientFinished) {
                        held.write(buf, 0, n);
                    } else {
                        out.write(buf, 0, n);
                    }
                }
                if (held.size() > 0) {
                    // Counted before the write: the client may read it, close, and the test look
                    // at the count before this thread runs again after write() returns.
                    heldWrites++;
                    out.write(held.toByteArray());
                }
                client.shutdownOutput();
                client.getInputStream().transferTo(OutputStream.nullOutputStream());
            } catch (IOException e) {
                // the test fails on what the client saw
            }
        }

        /** Client bytes pass at once; an application_data record (type 23) is its Finished. */
        private void clientToServer(Socket client, Socket server) {
            try {
                InputStream in = client.getInputStream();
                OutputStream out = server.getOutputStream();
                byte[] buf = new byte[16384];
                for (int n; (n = in.read(buf)) > 0; ) {
                    if (!clientFinished && containsRecordType(buf, n, 23)) {
                        clientFinished = true; // before the server can answer it
                    }
                    out.write(buf, 0, n);
                }
                server.shutdownOutput();
            } catch (IOException e) {
                // the test fails on what the client saw
            }
        }

        /** Walks the record headers of one read (a read starts at a record boundary on loopback here). */
        private static boolean containsRecordType(byte[] buf, int n, int type) {
            for (int i = 0; i + 5 <= n; i += 5 + (((buf[i + 3] & 0xff) << 8) | (buf[i + 4] & 0xff))) {
                if ((buf[i] & 0xff) == type) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public void close() throws IOException {
            listener.close();
            synchronized (sockets) {
                for (Socket s : sockets) {
                    s.close();
                }
            }
        }
    }
}
