package io.jtls.internal.context;

import io.jtls.error.OpenSslException;
import io.jtls.internal.openssl.BioCalls;
import io.jtls.internal.openssl.Bios;
import io.jtls.internal.openssl.ErrorQueue;
import io.jtls.internal.openssl.NativeHandle;
import io.jtls.internal.openssl.NativeKind;
import io.jtls.internal.openssl.SslCalls;
import io.jtls.internal.openssl.Types;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A client and a server {@code SSL}, made from two contexts, talking through memory BIOs: the
 * smallest way to prove a context really configures a handshake (ciphers, versions, DH
 * parameters, curves, ticket keys). Test code only; the real engine is
 * {@code io.jtls.internal.engine}.
 */
final class MemoryHandshake implements AutoCloseable {
    final NativeHandle client;
    final NativeHandle server;
    private final NativeSecureContext clientCtx;
    private final NativeSecureContext serverCtx;
    private final MemorySegment clientIn;
    private final MemorySegment clientOut;
    private final MemorySegment serverIn;
    private final MemorySegment serverOut;
    /** The first failure, with Node's code, or null. */
    OpenSslException clientError;
    OpenSslException serverError;

    MemoryHandshake(NativeSecureContext clientCtx, NativeSecureContext serverCtx) {
        this.clientCtx = clientCtx.retain();
        this.serverCtx = serverCtx.retain();
        client = NativeHandle.own(NativeKind.SSL, SslCalls.SSL_new(clientCtx.sslCtx()));
        server = NativeHandle.own(NativeKind.SSL, SslCalls.SSL_new(serverCtx.sslCtx()));
        clientIn = bio();
        clientOut = bio();
        serverIn = bio();
        serverOut = bio();
        SslCalls.SSL_set_bio(client.get(), clientIn, clientOut); // the SSL owns both BIOs
        SslCalls.SSL_set_bio(server.get(), serverIn, serverOut);
        SslCalls.SSL_set_connect_state(client.get());
        SslCalls.SSL_set_accept_state(server.get());
    }

    private static MemorySegment bio() {
        NativeHandle bio = Bios.newMemory();
        BioCalls.BIO_set_mem_eof_return(bio.get(), -1);
        return bio.release(); // handed to SSL_set_bio just below
    }

    /** Resumes this session on the client (before {@link #run()}). */
    void resume(NativeHandle session) {
        SslCalls.SSL_set_session(client.get(), session.get());
    }

    /** Runs the handshake to the end; true when both sides finished. */
    boolean run() {
        boolean clientDone = false;
        boolean serverDone = false;
        for (int round = 0; round < 20 && clientError == null && serverError == null; round++) {
            if (!clientDone) {
                clientDone = step(client, true);
            }
            move(clientOut, serverIn);
            if (!serverDone && clientError == null) {
                serverDone = step(server, false);
            }
            move(serverOut, clientIn);
            if (clientDone && serverDone) {
                readPending(); // TLS 1.3 tickets arrive after the handshake
                return true;
            }
        }
        return false;
    }

    private boolean step(NativeHandle ssl, boolean isClient) {
        ErrorQueue.clear();
        int rc = SslCalls.SSL_do_handshake(ssl.get());
        if (rc == 1) {
            return true;
        }
        int err = SslCalls.SSL_get_error(ssl.get(), rc);
        if (err == SslCalls.SSL_ERROR_WANT_READ) {
            return false;
        }
        OpenSslException e = ErrorQueue.exception("SSL_do_handshake", "ERR_SSL_ERROR_" + err);
        if (isClient) {
            clientError = e;
        } else {
            serverError = e;
        }
        return false;
    }

    private void readPending() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(256);
            MemorySegment n = arena.allocate(ValueLayout.JAVA_LONG);
            ErrorQueue.clear();
            SslCalls.SSL_read_ex(client.get(), buf, 256, n);
            ErrorQueue.clear();
        }
    }

    private static void move(MemorySegment from, MemorySegment to) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(16384);
            int n;
            while ((n = BioCalls.BIO_read(from, buf, 16384)) > 0) {
                BioCalls.BIO_write(to, buf, n);
            }
        }
        ErrorQueue.clear();
    }

    String version() {
        return Types.cString(SslCalls.SSL_get_version(client.get()));
    }

    String cipher() {
        return Types.cString(SslCalls.SSL_CIPHER_get_name(SslCalls.SSL_get_current_cipher(client.get())));
    }

    boolean reused() {
        return SslCalls.SSL_session_reused(client.get()) == 1;
    }

    /** The client's session, to resume later (owned by the caller). */
    NativeHandle session() {
        return NativeHandle.own(NativeKind.SSL_SESSION, SslCalls.SSL_get1_session(client.get()));
    }

    /**
     * Frees both sides after a quiet close: an {@code SSL} freed without sending close_notify
     * marks its session not resumable ({@code ssl_clear_bad_session}), which would spoil the
     * resumption tests.
     */
    @Override
    public void close() {
        ErrorQueue.clear();
        SslCalls.SSL_shutdown(client.get());
        SslCalls.SSL_shutdown(server.get());
        ErrorQueue.clear();
        client.close();
        server.close();
        clientCtx.release();
        serverCtx.release();
    }
}
