package io.jtls;

import io.jtls.error.TlsException;
import io.jtls.net.Duplex;
import io.jtls.net.EventEmitter;
import io.jtls.pki.HeldCertificate;
import io.jtls.support.Waiting;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Certificates and helpers shared by the TLS socket and server tests. */
final class TlsTesting {
    private TlsTesting() {}

    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    static final HeldCertificate ROOT = HeldCertificate.builder().commonName("TLS Test Root")
            .certificateAuthority(1).ec("prime256v1").build();
    static final HeldCertificate INTERMEDIATE = HeldCertificate.builder().commonName("TLS Test Intermediate")
            .certificateAuthority(0).signedBy(ROOT).build();
    /** localhost and 127.0.0.1, EC P-256, issued by {@link #INTERMEDIATE}. */
    static final HeldCertificate SERVER_EC = HeldCertificate.builder().commonName("localhost")
            .addSubjectAltName("localhost").addSubjectAltName("127.0.0.1").ec("prime256v1")
            .organization("Acme").signedBy(INTERMEDIATE).build();
    /** localhost, RSA 2048, issued by {@link #ROOT}. */
    static final HeldCertificate SERVER_RSA = HeldCertificate.builder().commonName("localhost")
            .addSubjectAltName("localhost").addSubjectAltName("127.0.0.1").rsa(2048).signedBy(ROOT).build();
    /** A client certificate issued by {@link #ROOT}. */
    static final HeldCertificate CLIENT = HeldCertificate.builder().commonName("tls client")
            .organization("Acme").extendedKeyUsage("clientAuth").signedBy(ROOT).build();
    static final HeldCertificate SELF_SIGNED = HeldCertificate.builder().commonName("localhost")
            .addSubjectAltName("localhost").build();
    static final HeldCertificate EXPIRED = HeldCertificate.builder().commonName("localhost")
            .addSubjectAltName("localhost").expired().signedBy(ROOT).build();
    static final HeldCertificate OTHER_HOST = HeldCertificate.builder().commonName("other.example")
            .addSubjectAltName("other.example").signedBy(ROOT).build();
    static final HeldCertificate UNTRUSTED_ROOT = HeldCertificate.builder().commonName("Untrusted Root")
            .certificateAuthority(0).build();
    static final HeldCertificate UNTRUSTED_LEAF = HeldCertificate.builder().commonName("localhost")
            .addSubjectAltName("localhost").signedBy(UNTRUSTED_ROOT).build();

    /** Server options with {@code cert}'s chain and key. */
    static TlsServerOptions.Builder serverWith(HeldCertificate cert) {
        return TlsServerOptions.builder().cert(cert.chainPem()).key(cert.privateKeyPem());
    }

    /** Client options for 127.0.0.1:port, trusting {@link #ROOT}, host name "localhost". */
    static TlsConnectOptions.Builder clientTo(int port) {
        return TlsConnectOptions.builder().host("127.0.0.1").servername("localhost").port(port).ca(ROOT.certificatePem());
    }

    static <T> T await(CompletableFuture<T> future) {
        return await(future, TIMEOUT);
    }

    static <T> T await(CompletableFuture<T> future, Duration timeout) {
        return Waiting.await(future, timeout);
    }

    /** Starts {@code server} on 127.0.0.1, port 0; returns the port. */
    static int listen(TlsServer server) {
        return Waiting.listen(server, TIMEOUT);
    }

    /** Closes {@code server} and waits for its 'close'. */
    static void close(TlsServer server) {
        Waiting.close(server, TIMEOUT);
    }

    /**
     * A server closed at the end of a try-with-resources block: when the block failed (and left
     * connections open), the close failure is suppressed under the test's own failure.
     */
    interface Closing extends AutoCloseable {
        @Override
        void close();
    }

    static Closing closing(TlsServer server) {
        return () -> close(server);
    }

    static String utf8(ByteBuffer buffer) {
        return StandardCharsets.UTF_8.decode(buffer.duplicate()).toString();
    }

    static String code(Throwable e) {
        return e instanceof TlsException t ? t.code() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /** Waits until {@code condition} holds (polling), or fails after 15 s. */
    static void eventually(String what, java.util.function.BooleanSupplier condition) {
        Waiting.eventually(what, TIMEOUT, condition);
    }

    /** Records a stream's events, data and error. */
    static final class Recorder {
        final List<String> events = new CopyOnWriteArrayList<>();
        final CompletableFuture<Boolean> closed = new CompletableFuture<>();
        final CompletableFuture<Throwable> error = new CompletableFuture<>();
        final StringBuilder data = new StringBuilder();

        Recorder(Duplex stream) {
            stream.on(TlsSocket.SECURE_CONNECT, () -> events.add("secureConnect"));
            stream.on(Duplex.END, () -> events.add("end"));
            stream.on(Duplex.FINISH, () -> events.add("finish"));
            stream.on(EventEmitter.ERROR, e -> {
                events.add("error:" + code(e));
                error.complete(e);
            });
            stream.on(Duplex.CLOSE, hadError -> {
                events.add("close:" + hadError);
                closed.complete(hadError);
            });
        }

        Recorder readAll(Duplex stream) {
            stream.on(Duplex.DATA, buf -> {
                synchronized (data) {
                    data.append(utf8(buf));
                }
                events.add("data");
            });
            return this;
        }

        String data() {
            synchronized (data) {
                return data.toString();
            }
        }
    }

    /** A client and the recorder that saw all of its events. */
    record Client(TlsSocket socket, Recorder events, CompletableFuture<Void> secure) {}

    /** Connects with {@code options}, recording every event (and data) from the start. */
    static Client connect(TlsConnectOptions options) {
        CompletableFuture<Void> secure = new CompletableFuture<>();
        Recorder[] recorder = new Recorder[1];
        TlsSocket socket = Tls.connect(options, s -> recorder[0] = new Recorder(s).readAll(s), () -> secure.complete(null));
        return new Client(socket, recorder[0], secure);
    }

    /** An echo listener for {@link Tls#createServer}. */
    static Consumer<TlsSocket> echo() {
        return socket -> socket.pipe(socket);
    }
}
