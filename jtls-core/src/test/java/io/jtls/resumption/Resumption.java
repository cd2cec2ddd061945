package io.jtls.resumption;

import io.jtls.Tls;
import io.jtls.TlsConnectOptions;
import io.jtls.TlsServer;
import io.jtls.TlsServerOptions;
import io.jtls.TlsSocket;
import io.jtls.net.Duplex;
import io.jtls.net.EventEmitter;
import io.jtls.pki.HeldCertificate;
import io.jtls.support.Waiting;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/** Certificates, servers and recorded client connections for the resumption tests. */
final class Resumption {
    private Resumption() {}

    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    static final HeldCertificate ROOT = HeldCertificate.builder().commonName("Resumption Test Root")
            .certificateAuthority(0).build();
    static final HeldCertificate SERVER = HeldCertificate.builder().commonName("localhost")
            .addSubjectAltName("localhost").addSubjectAltName("127.0.0.1").signedBy(ROOT).build();
    static final HeldCertificate UNTRUSTED = HeldCertificate.builder().commonName("localhost")
            .addSubjectAltName("localhost").build();

    static TlsServerOptions.Builder serverOptions() {
        return TlsServerOptions.builder().cert(SERVER.chainPem()).key(SERVER.privateKeyPem());
    }

    static TlsConnectOptions.Builder clientTo(int port) {
        return TlsConnectOptions.builder().host("127.0.0.1").servername("localhost").port(port)
                .ca(ROOT.certificatePem());
    }

    /** A server that echoes, listening on 127.0.0.1; closed (and awaited) by {@link Listening#close()}. */
    static Listening listen(TlsServerOptions options) {
        return listen(Tls.createServer(options, socket -> socket.pipe(socket)));
    }

    static Listening listen(TlsServer server) {
        return new Listening(server, Waiting.listen(server, TIMEOUT));
    }

    record Listening(TlsServer server, int port) implements AutoCloseable {
        @Override
        public void close() {
            Waiting.close(server, TIMEOUT);
        }
    }

    /**
     * One client connection, recorded from the start: its events in order ("secureConnect",
     * "session", "error:CODE", "close"), the sessions it was given, and whether it resumed.
     */
    static final class Conn {
        final TlsSocket socket;
        final List<String> events = new CopyOnWriteArrayList<>();
        final List<byte[]> sessions = new CopyOnWriteArrayList<>();
        final CompletableFuture<Void> secure = new CompletableFuture<>();
        final CompletableFuture<Throwable> error = new CompletableFuture<>();
        final CompletableFuture<Void> closed = new CompletableFuture<>();
        volatile boolean reused;
        /** getTLSTicket() at 'secureConnect', then at each 'session'. */
        volatile byte[] ticket;

        Conn(TlsConnectOptions options) {
            this.socket = Tls.connect(options, s -> {
                s.on(TlsSocket.SECURE_CONNECT, () -> {
                    events.add("secureConnect");
                    reused = s.isSessionReused();
                    ticket = s.getTLSTicket();
                    secure.complete(null);
                });
                s.on(TlsSocket.SESSION, session -> {
                    events.add("session");
                    ticket = s.getTLSTicket();
                    sessions.add(session);
                });
                s.on(Duplex.DATA, data -> events.add("data"));
                s.on(EventEmitter.ERROR, e -> {
                    events.add("error:" + code(e));
                    error.complete(e);
                });
                s.on(Duplex.CLOSE, hadError -> {
                    events.add("close");
                    closed.complete(null);
                });
            }, null);
        }

        /** Waits for the handshake, then for {@code n} sessions. */
        Conn awaitSessions(int n) {
            await(secure);
            eventually(n + " 'session' events", () -> sessions.size() >= n);
            return this;
        }

        byte[] session() {
            return sessions.getLast();
        }

        void destroy() {
            socket.destroy();
            await(closed);
        }
    }

    /** Connects, waits for {@code sessions} 'session' events, closes; returns the connection. */
    static Conn connectFor(TlsConnectOptions options, int sessions) {
        Conn c = new Conn(options).awaitSessions(sessions);
        c.destroy();
        return c;
    }

    static String code(Throwable e) {
        return e instanceof io.jtls.error.TlsException t ? t.code() : e.getClass().getSimpleName();
    }

    static <T> T await(CompletableFuture<T> future) {
        return Waiting.await(future, TIMEOUT);
    }

    static void eventually(String what, BooleanSupplier condition) {
        Waiting.eventually(what, TIMEOUT, condition);
    }

    static void sleep(Duration d) {
        Waiting.sleep(d);
    }
}
