import io.jtls.SecureContext;
import io.jtls.Tls;
import io.jtls.TlsConnectOptions;
import io.jtls.TlsServer;
import io.jtls.TlsServerOptions;
import io.jtls.TlsSocket;
import io.jtls.context.SecureContextOptions;
import io.jtls.net.Duplex;
import io.jtls.net.EventEmitter;
import io.jtls.net.EventLoop;
import io.jtls.net.EventLoopGroup;
import io.jtls.pki.HeldCertificate;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A multi-loop handshake load for counting contention, not for timing: a server on SERVER_LOOPS
 * loops, clients on CLIENT_LOOPS loops, CONNECTIONS full TLS 1.3 handshakes with IN_FLIGHT at
 * once, each closed by the client right after 'secureConnect'. Run under JFR with contended
 * monitor and park events at threshold 0 (scripts/contention/run.sh) and count them by class.
 * Uses only the public API, so that the same file runs against any revision.
 */
public final class HandshakeContention {
    public static void main(String[] args) throws Exception {
        int connections = Integer.parseInt(args.length > 0 ? args[0] : "4000");
        int inFlight = Integer.parseInt(args.length > 1 ? args[1] : "64");
        int serverLoops = Integer.parseInt(args.length > 2 ? args[2] : "2");
        int clientLoops = Integer.parseInt(args.length > 3 ? args[3] : "2");
        HeldCertificate root = HeldCertificate.builder().commonName("Contention Root").certificateAuthority(0).build();
        HeldCertificate leaf = HeldCertificate.builder().commonName("localhost").addSubjectAltName("localhost")
                .signedBy(root).build();
        EventLoopGroup serverGroup = new EventLoopGroup("srv", serverLoops);
        EventLoop[] clients = new EventLoop[clientLoops];
        for (int i = 0; i < clientLoops; i++) {
            clients[i] = new EventLoop("cli-" + i);
        }
        TlsServer server = Tls.createServer(TlsServerOptions.builder().cert(leaf.chainPem()).key(leaf.privateKeyPem())
                .group(serverGroup).build(), socket -> {
            socket.on(EventEmitter.ERROR, e -> { });
            socket.resume();
        });
        server.on(TlsServer.TLS_CLIENT_ERROR, (e, s) -> { });
        CountDownLatch listening = new CountDownLatch(1);
        server.listen(0, "127.0.0.1", listening::countDown);
        listening.await();
        int port = server.address().port();
        // One client context for every connection, as an application shares one.
        SecureContext clientContext = Tls.createSecureContext(SecureContextOptions.builder().ca(root.certificatePem()).build());
        long cleanerBefore = cleanerRegistrations();
        Semaphore slots = new Semaphore(inFlight);
        CountDownLatch done = new CountDownLatch(connections);
        long start = System.nanoTime();
        for (int i = 0; i < connections; i++) {
            slots.acquire();
            TlsConnectOptions options = TlsConnectOptions.builder().host("127.0.0.1").port(port).servername("localhost")
                    .secureContext(clientContext).loop(clients[i % clientLoops]).build();
            Tls.connect(options, s -> {
                s.on(EventEmitter.ERROR, e -> { });
                s.on(Duplex.CLOSE, hadError -> {
                    slots.release();
                    done.countDown();
                });
                s.once(TlsSocket.SECURE_CONNECT, s::destroy);
            }, null);
        }
        if (!done.await(300, TimeUnit.SECONDS)) {
            throw new IllegalStateException("not all connections closed: " + done.getCount());
        }
        System.out.printf("%d handshakes, %d in flight, %d server loops, %d client loops (%d ms, not a benchmark)%n",
                connections, inFlight, serverLoops, clientLoops, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        long cleanerAfter = cleanerRegistrations();
        if (cleanerAfter >= 0) {
            System.out.printf("Cleaner registrations during the handshakes (both sides): %d%n", cleanerAfter - cleanerBefore);
        }
        server.close();
        System.exit(0);
    }

    /** NativeKind.cleanerRegistrations() summed over the kinds, or -1 on a revision without it. */
    private static long cleanerRegistrations() {
        try {
            Class<?> kinds = Class.forName("io.jtls.internal.openssl.NativeKind");
            long total = 0;
            for (Object kind : kinds.getEnumConstants()) {
                total += (long) kinds.getMethod("cleanerRegistrations").invoke(kind);
            }
            return total;
        } catch (ReflectiveOperationException e) {
            return -1;
        }
    }
}
