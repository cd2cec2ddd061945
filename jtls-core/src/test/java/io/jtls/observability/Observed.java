package io.jtls.observability;

import io.jtls.Tls;
import io.jtls.TlsConnectOptions;
import io.jtls.TlsServer;
import io.jtls.TlsServerOptions;
import io.jtls.TlsSocket;
import io.jtls.net.Duplex;
import io.jtls.net.EventEmitter;
import io.jtls.net.Net;
import io.jtls.net.Socket;
import io.jtls.pki.HeldCertificate;
import io.jtls.support.Waiting;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/** Certificates, a counting server and clients over raw sockets whose bytes the tests know, for the observability tests. */
final class Observed {
    private Observed() {}

    static final Duration TIMEOUT = Duration.ofSeconds(15);

    static final HeldCertificate ROOT = HeldCertificate.builder().commonName("Observability Test Root")
            .certificateAuthority(0).build();
    static final HeldCertificate SERVER = HeldCertificate.builder().commonName("localhost")
            .addSubjectAltName("localhost").addSubjectAltName("127.0.0.1").signedBy(ROOT).build();
    static final HeldCertificate CLIENT = HeldCertificate.builder().commonName("client")
            .extendedKeyUsage("clientAuth").signedBy(ROOT).build();
    static final HeldCertificate SELF_SIGNED_CLIENT = HeldCertificate.builder().commonName("stranger")
            .extendedKeyUsage("clientAuth").build();

    static TlsServerOptions.Builder serverOptions() {
        return TlsServerOptions.builder().cert(SERVER.chainPem()).key(SERVER.privateKeyPem());
    }

    static TlsConnectOptions.Builder clientOptions(int port) {
        return TlsConnectOptions.builder().host("127.0.0.1").port(port).servername("localhost").ca(ROOT.certificatePem());
    }

    /** An echo server on 127.0.0.1 counting its 'secureConnection's and collecting its 'tlsClientError's. */
    static final class Server implements AutoCloseable {
        final TlsServer tls;
        final int port;
        final java.util.concurrent.atomic.AtomicInteger secured = new java.util.concurrent.atomic.AtomicInteger();
        final List<Throwable> clientErrors = new CopyOnWriteArrayList<>();

        Server(TlsServerOptions options) {
            tls = Tls.createServer(options, socket -> socket.pipe(socket));
            tls.on(TlsServer.SECURE_CONNECTION, socket -> secured.incrementAndGet());
            tls.on(TlsServer.TLS_CLIENT_ERROR, (error, socket) -> clientErrors.add(error));
            port = Waiting.listen(tls, TIMEOUT);
        }

        /** Waits until the server saw {@code n} handshakes complete (its side may finish after the client's). */
        void awaitSecured(int n) {
            eventually("server 'secureConnection' x" + n, () -> secured.get() >= n);
        }

        void awaitClientErrors(int n) {
            eventually("server 'tlsClientError' x" + n, () -> clientErrors.size() >= n);
        }

        void awaitNoConnections() {
            eventually("every connection closed", () -> tls.stats().connectionsOpen() == 0);
        }

        @Override
        public void close() {
            Waiting.close(tls, TIMEOUT);
        }
    }

    /**
     * A client over a raw socket made here, so that the test knows the bytes that went over the
     * wire ({@link #raw}'s counters): records 'secureConnect', sessions, data, error and close.
     */
    static final class Client {
        final Socket raw;
        final TlsSocket tls;
        final CompletableFuture<Void> secure = new CompletableFuture<>();
        final CompletableFuture<Throwable> error = new CompletableFuture<>();
        final CompletableFuture<Void> closed = new CompletableFuture<>();
        final List<byte[]> sessions = new CopyOnWriteArrayList<>();
        final StringBuffer data = new StringBuffer();
        volatile boolean reused;

        Client(TlsConnectOptions.Builder options, int port) {
            raw = Net.connect(port, "127.0.0.1");
            tls = Tls.connect(options.socket(raw).build(), s -> {
                s.on(TlsSocket.SECURE_CONNECT, () -> {
                    reused = s.isSessionReused();
                    secure.complete(null);
                });
                s.on(TlsSocket.SESSION, sessions::add);
                s.on(Duplex.DATA, buffer -> data.append(StandardCharsets.UTF_8.decode(buffer)));
                s.on(EventEmitter.ERROR, error::complete);
                s.on(Duplex.CLOSE, hadError -> closed.complete(null));
            }, null);
        }

        /** Sends {@code text} and waits for the echo: afterwards the server has read every byte sent so far. */
        Client roundTrip(String text) {
            Waiting.await(secure, TIMEOUT);
            int before = data.length();
            tls.write(text);
            eventually("echo of " + text, () -> data.length() >= before + text.length());
            return this;
        }

        Client awaitSessions(int n) {
            Waiting.await(secure, TIMEOUT);
            eventually(n + " sessions", () -> sessions.size() >= n);
            return this;
        }

        /** Ends the connection with close_notify and waits for 'close'. */
        void end() {
            tls.end();
            Waiting.await(closed, TIMEOUT);
        }

        void destroy() {
            tls.destroy();
            Waiting.await(closed, TIMEOUT);
        }
    }

    /**
     * Sends {@code request} on a plain socket and closes its sending side (the server sees the
     * end of its input), then reads until the server closes.
     *
     * @return how many bytes the server sent back
     */
    static int plainExchange(int port, byte[] request) throws IOException {
        try (java.net.Socket raw = new java.net.Socket()) {
            raw.connect(new InetSocketAddress("127.0.0.1", port));
            raw.getOutputStream().write(request);
            raw.getOutputStream().flush();
            raw.shutdownOutput();
            InputStream in = raw.getInputStream();
            try {
                return in.readAllBytes().length;
            } catch (java.net.SocketException reset) {
                return 0;
            }
        }
    }

    static final byte[] HTTP_REQUEST = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    static <T> T await(CompletableFuture<T> future) {
        return Waiting.await(future, TIMEOUT);
    }

    static void eventually(String what, BooleanSupplier condition) {
        Waiting.eventually(what, TIMEOUT, condition);
    }
}
