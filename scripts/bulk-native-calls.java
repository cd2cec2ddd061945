// FFM transitions per MiB on the socket path, counted (not timed): one jtls server and one jtls
// client in this process over 127.0.0.1, N MiB uploaded then N MiB downloaded (TLS 1.3, the
// bench's EC certificate), with -Djtls.countNativeCalls=true; prints each native function's
// calls (downcalls, and "up:" upcalls out of OpenSSL) per MiB moved (both directions, both ends).
// BIO_write/BIO_read are the copies into and out of memory BIOs; with the engine's own BIO they
// are gone and its read/write upcalls appear instead.
//
//   . scripts/env.sh && mvn -B -o -ntp -q -pl jtls-core compile
//   java -Djtls.countNativeCalls=true --enable-native-access=ALL-UNNAMED -cp jtls-core/target/classes \
//        scripts/bulk-native-calls.java CERTS_DIR [MiB]
// With "hs N" after CERTS_DIR: the calls per full TLS 1.3 handshake instead (N connections, one
// at a time, each ended after its handshake; both ends counted).
import io.jtls.Tls;
import io.jtls.TlsConnectOptions;
import io.jtls.TlsServer;
import io.jtls.TlsServerOptions;
import io.jtls.TlsSocket;
import io.jtls.internal.openssl.NativeCallCounts;
import io.jtls.net.Duplex;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Native calls per MiB of bulk data through a jtls server and client in one process. */
public class BulkNativeCalls {
    public static void main(String[] args) throws Exception {
        Path certs = Path.of(args[0]);
        if (args.length > 2 && args[1].equals("hs")) {
            handshakes(certs, Integer.parseInt(args[2]));
            return;
        }
        int mib = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        long total = (long) mib << 20;
        byte[] chunk = new byte[64 * 1024];
        AtomicLong serverGot = new AtomicLong();
        CompletableFuture<Void> uploaded = new CompletableFuture<>();
        TlsServer server = Tls.createServer(TlsServerOptions.builder()
                .cert(Files.readString(certs.resolve("server-ec.crt")))
                .key(Files.readString(certs.resolve("server-ec.key"))).build(), socket -> {
            socket.on(Duplex.DATA, buf -> {
                if (serverGot.addAndGet(buf.remaining()) == total) {
                    uploaded.complete(null);
                    pump(socket, chunk, total); // then the download
                }
            });
        });
        CompletableFuture<Integer> port = new CompletableFuture<>();
        server.listen(0, "127.0.0.1", () -> port.complete(server.address().port()));
        AtomicLong clientGot = new AtomicLong();
        CompletableFuture<Void> downloaded = new CompletableFuture<>();
        CompletableFuture<Void> secure = new CompletableFuture<>();
        TlsSocket client = Tls.connect(TlsConnectOptions.builder().host("127.0.0.1").servername("localhost")
                .port(port.get(10, TimeUnit.SECONDS)).ca(Files.readString(certs.resolve("ca-ec.crt"))).build(),
                () -> secure.complete(null));
        client.on(Duplex.DATA, buf -> {
            if (clientGot.addAndGet(buf.remaining()) == total) {
                downloaded.complete(null);
            }
        });
        secure.get(10, TimeUnit.SECONDS);
        Map<String, Long> before = NativeCallCounts.snapshot();
        pump(client, chunk, total);
        uploaded.get(120, TimeUnit.SECONDS);
        downloaded.get(120, TimeUnit.SECONDS);
        Map<String, Long> after = NativeCallCounts.snapshot();
        double moved = 2.0 * mib;
        System.out.printf("%d MiB each way; native calls per MiB moved (both ends):%n", mib);
        after.forEach((name, n) -> {
            long d = n - before.getOrDefault(name, 0L);
            if (d > 0) {
                System.out.printf("  %-60s %10.1f%n", name, d / moved);
            }
        });
        client.destroy();
        server.close();
        System.exit(0);
    }

    /** Native calls per full handshake: {@code n} connections one after the other, after 200 to warm up. */
    static void handshakes(Path certs, int n) throws Exception {
        TlsServer server = Tls.createServer(TlsServerOptions.builder()
                .cert(Files.readString(certs.resolve("server-ec.crt")))
                .key(Files.readString(certs.resolve("server-ec.key"))).build(), socket -> socket.end());
        CompletableFuture<Integer> port = new CompletableFuture<>();
        server.listen(0, "127.0.0.1", () -> port.complete(server.address().port()));
        TlsConnectOptions options = TlsConnectOptions.builder().host("127.0.0.1").servername("localhost")
                .port(port.get(10, TimeUnit.SECONDS)).ca(Files.readString(certs.resolve("ca-ec.crt"))).build();
        Map<String, Long> before = Map.of();
        for (int i = -200; i < n; i++) {
            if (i == 0) {
                Thread.sleep(200); // the last warm-up connection's close on the server
                before = NativeCallCounts.snapshot();
            }
            CompletableFuture<Void> closed = new CompletableFuture<>();
            TlsSocket client = Tls.connect(options, () -> { });
            client.on(Duplex.CLOSE, hadError -> closed.complete(null));
            client.resume();
            closed.get(10, TimeUnit.SECONDS);
        }
        Thread.sleep(200);
        Map<String, Long> after = NativeCallCounts.snapshot();
        System.out.printf("%d full handshakes; native calls per handshake (both ends):%n", n);
        Map<String, Long> base = before;
        after.forEach((name, count) -> {
            long d = count - base.getOrDefault(name, 0L);
            if (d > 0) {
                System.out.printf("  %-60s %8.2f%n", name, (double) d / n);
            }
        });
        server.close();
        System.exit(0);
    }

    /** Writes {@code total} bytes of {@code chunk}s on the socket's loop, respecting backpressure. */
    static void pump(TlsSocket socket, byte[] chunk, long total) {
        long[] sent = {0};
        Runnable[] step = new Runnable[1];
        step[0] = () -> {
            while (sent[0] < total) {
                sent[0] += chunk.length;
                if (!socket.write(ByteBuffer.wrap(chunk))) {
                    socket.once(Duplex.DRAIN, step[0]);
                    return;
                }
            }
        };
        socket.loop().execute(step[0]);
    }
}
