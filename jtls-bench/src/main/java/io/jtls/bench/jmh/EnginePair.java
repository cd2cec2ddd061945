package io.jtls.bench.jmh;

import io.jtls.SecureContext;
import io.jtls.Tls;
import io.jtls.context.SecureContextOptions;
import io.jtls.internal.context.SecureContexts;
import io.jtls.internal.engine.EngineState;
import io.jtls.internal.engine.TlsEngine;
import io.jtls.pki.HeldCertificate;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A jtls client and server engine talking through memory, as the OpenSSL floor program
 * ({@code /work/shared/bench/floor/hs.c}) does over a BIO pair: no sockets, no loop. The
 * server's calls are timed on their own (this thread's CPU time, as the floor program), so
 * that {@link #serverNanos()} is the server's cost alone, comparable with the floor's
 * "server us/handshake".
 */
final class EnginePair {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final SecureContext serverContext;
    private final SecureContext clientContext;
    private final ByteBuffer wire = ByteBuffer.allocateDirect(128 * 1024);
    private final ByteBuffer sink = ByteBuffer.allocateDirect(64 * 1024);
    private long serverNanos;
    private byte[] session;

    /**
     * Contexts from {@code $CERTS_DIR} (the bench's {@code server-ec.{key,crt}} and
     * {@code ca.crt}) when it is set, else from a fresh P-256 CA and leaf.
     */
    EnginePair(String maxVersion) throws IOException {
        String certs = System.getenv("CERTS_DIR");
        SecureContextOptions.Builder server = SecureContextOptions.builder();
        SecureContextOptions.Builder client = SecureContextOptions.builder().maxVersion(maxVersion);
        if (certs != null && !certs.isEmpty()) {
            Path dir = Path.of(certs);
            server.key(Files.readAllBytes(dir.resolve("server-ec.key"))).cert(Files.readAllBytes(dir.resolve("server-ec.crt")));
            client.ca(Files.readAllBytes(dir.resolve("ca.crt")));
        } else {
            HeldCertificate ca = HeldCertificate.builder().commonName("bench CA").certificateAuthority(0).build();
            HeldCertificate leaf = HeldCertificate.builder().commonName("localhost").addSubjectAltName("localhost")
                    .signedBy(ca).build();
            server.key(leaf.privateKeyPem()).cert(leaf.certificatePem());
            client.ca(ca.certificatePem());
        }
        serverContext = Tls.createSecureContext(server.build());
        clientContext = Tls.createSecureContext(client.build());
    }

    /** Server CPU nanoseconds accumulated since the last {@link #resetServerNanos()}. */
    long serverNanos() {
        return serverNanos;
    }

    void resetServerNanos() {
        serverNanos = 0;
    }

    /**
     * One handshake to ESTABLISHED on both sides, the client then reading the server's
     * post-handshake messages (TLS 1.3 tickets). With {@code resume}, the client offers the
     * session of the previous handshake and keeps the new one.
     *
     * @return the established pair (the caller closes both)
     */
    TlsEngine[] handshake(boolean resume) {
        TlsEngine client = TlsEngine.client(SecureContexts.nativeOf(clientContext));
        client.setServername("localhost");
        if (resume && session != null) {
            client.setSession(session);
        }
        long t0 = cpu();
        TlsEngine server = TlsEngine.server(SecureContexts.nativeOf(serverContext));
        serverNanos += cpu() - t0;
        client.handshake();
        for (int i = 0; i < 20 && (client.state() != EngineState.ESTABLISHED || server.state() != EngineState.ESTABLISHED
                || client.encPending() > 0 || server.encPending() > 0); i++) {
            takeAll(client);
            t0 = cpu();
            server.lendInput(wire); // as a socket's driver lends what it read
            server.handshake();
            server.endInputLoan(wire);
            carry(server, client);
            serverNanos += cpu() - t0;
            client.handshake();
        }
        if (client.state() != EngineState.ESTABLISHED || server.state() != EngineState.ESTABLISHED) {
            throw new IllegalStateException("handshake stalled: " + client.state() + "/" + server.state());
        }
        sink.clear();
        client.clearOut(sink); // tickets
        if (resume) {
            if (session != null && !server.isSessionReused()) {
                throw new IllegalStateException("not resumed");
            }
            session = client.session();
        }
        return new TlsEngine[] {client, server};
    }

    /** Closes both engines; the server's SSL_free counts as server time. */
    void close(TlsEngine[] pair) {
        pair[0].close();
        long t0 = cpu();
        pair[1].close();
        serverNanos += cpu() - t0;
    }

    /**
     * The server encrypts {@code plaintext} (whole 16 KiB records) into a lent buffer, as a
     * socket's driver does (no copy out of the engine), and hands the ciphertext out.
     */
    void serverWrite(TlsEngine server, ByteBuffer plaintext) {
        long t0 = cpu();
        wire.clear();
        server.lendOutput(wire);
        server.clearIn(plaintext.duplicate());
        server.endOutputLoan(wire);
        while (server.encPending() > 0) { // only when the records did not fit
            wire.clear();
            server.encOut(wire);
        }
        serverNanos += cpu() - t0;
    }

    /**
     * The client encrypts {@code plaintext}; the server decrypts it from a lent buffer, as a
     * socket's driver lends what it read (no copy into the engine).
     */
    void serverRead(TlsEngine client, TlsEngine server, ByteBuffer plaintext) {
        client.clearIn(plaintext.duplicate());
        while (client.encPending() > 0) {
            takeAll(client);
            long t0 = cpu();
            server.lendInput(wire);
            int n;
            do {
                sink.clear();
                n = server.clearOut(sink);
            } while (n > 0);
            server.endInputLoan(wire);
            serverNanos += cpu() - t0;
        }
    }

    /** The ciphertext {@code from} has pending, as much as the wire holds, ready to read. */
    private void takeAll(TlsEngine from) {
        wire.clear();
        while (from.encPending() > 0 && wire.hasRemaining()) {
            from.encOut(wire);
        }
        wire.flip();
    }

    private void carry(TlsEngine from, TlsEngine to) {
        while (from.encPending() > 0) {
            wire.clear();
            from.encOut(wire);
            to.encIn(wire.flip());
        }
    }

    private static long cpu() {
        return THREADS.getCurrentThreadCpuTime();
    }

    void closeContexts() {
        serverContext.close();
        clientContext.close();
    }
}
