package io.jtls.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import io.jtls.SecureContext;
import io.jtls.error.TlsException;
import io.jtls.internal.context.SecureContexts;
import io.jtls.internal.openssl.ErrorQueue;
import java.nio.ByteBuffer;

/**
 * A client engine and a server engine wired to each other in memory, with rustls-style
 * helpers ({@code do_handshake}, {@code transfer}): the test plays the network by moving
 * ciphertext from one engine's encOut to the other's encIn. Public for the resumption tests,
 * which watch exactly which sessions OpenSSL creates and when.
 */
public final class EnginePair implements AutoCloseable {
    public final TlsEngine client;
    public final TlsEngine server;
    /** On the heap: a pair holds no native memory of its own, so tests can weigh what the engines hold. */
    private final ByteBuffer wire = ByteBuffer.allocate(64 * 1024);

    public EnginePair(SecureContext clientCtx, SecureContext serverCtx) {
        this.client = TlsEngine.client(SecureContexts.nativeOf(clientCtx));
        TlsEngine s;
        try {
            s = TlsEngine.server(SecureContexts.nativeOf(serverCtx));
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
        this.server = s;
    }

    /** A pair of engines made elsewhere (on other threads, say); closing the pair closes both. */
    public EnginePair(TlsEngine client, TlsEngine server) {
        this.client = client;
        this.server = server;
    }

    /** Moves every pending ciphertext byte of {@code from} into {@code to}; returns the count. */
    public int transfer(TlsEngine from, TlsEngine to) {
        int moved = 0;
        while (from.encPending() > 0) {
            wire.clear();
            int n = from.encOut(wire);
            wire.flip();
            assertEquals(n, to.encIn(wire));
            moved += n;
        }
        return moved;
    }

    /** Drives both sides until neither has anything left to say; returns when both are established or either paused. */
    public void handshake() {
        client.handshake();
        for (int round = 0; round < 32; round++) {
            int moved = transfer(client, server);
            if (!server.state().isPaused()) {
                server.handshake();
            }
            moved += transfer(server, client);
            client.handshake();
            assertFalse(ErrorQueue.hasError(), "the engine leaves OpenSSL's error queue empty");
            if (server.state().isPaused() || client.state().isPaused()) {
                return;
            }
            if (moved == 0) {
                if (client.state() != EngineState.ESTABLISHED || server.state() != EngineState.ESTABLISHED) {
                    fail("handshake stalled: client " + client.state() + ", server " + server.state());
                }
                return;
            }
        }
        fail("handshake did not finish");
    }

    /** Resumes a paused server and finishes the handshake. */
    public void resumeServer() {
        server.resumeHandshake();
        handshake();
    }

    /** Lets the client read what the server sent after the handshake (TLS 1.3 tickets). */
    public void readTickets() {
        transfer(server, client);
        ByteBuffer sink = ByteBuffer.allocate(1024);
        client.clearOut(sink);
        assertEquals(0, sink.position(), "no application data expected");
    }

    /** Both sides' failures, after each side's pending alert reached the other. */
    public record Failures(TlsException client, TlsException server) {}

    /**
     * Drives the handshake until a side fails, delivering the failing side's alert to its
     * peer as a real transport would (Node flushes alerts before onerror), and lets the peer
     * process it, with clearOut if it had already finished its handshake (TLS 1.3 clients).
     */
    public Failures handshakeUntilError() {
        TlsException clientError = null;
        TlsException serverError = null;
        ByteBuffer sink = ByteBuffer.allocate(1024);
        for (int round = 0; round < 32 && (clientError == null || serverError == null); round++) {
            clientError = clientError != null ? clientError : step(client, sink);
            int moved = transfer(client, server);
            serverError = serverError != null ? serverError : step(server, sink);
            moved += transfer(server, client);
            if (moved == 0 && (clientError != null || serverError != null)) {
                clientError = clientError != null ? clientError : step(client, sink);
                serverError = serverError != null ? serverError : step(server, sink);
                break;
            }
        }
        return new Failures(clientError, serverError);
    }

    private static TlsException step(TlsEngine engine, ByteBuffer sink) {
        try {
            if (engine.state() == EngineState.ESTABLISHED) {
                sink.clear();
                engine.clearOut(sink);
            } else {
                engine.handshake();
            }
            return null;
        } catch (TlsException e) {
            return e;
        }
    }

    /** Sends {@code data} from one side and reads it on the other; returns what arrived. */
    public byte[] send(TlsEngine from, TlsEngine to, byte[] data) {
        ByteBuffer src = ByteBuffer.wrap(data);
        ByteBuffer dst = ByteBuffer.allocate(data.length + 1);
        int guard = 0;
        while ((src.hasRemaining() || dst.position() < data.length) && guard++ < 1_000_000) {
            from.clearIn(src);
            transfer(from, to);
            to.clearOut(dst);
            transfer(to, from); // post-handshake messages (tickets, key updates)
        }
        assertFalse(ErrorQueue.hasError(), "the engine leaves OpenSSL's error queue empty");
        byte[] out = new byte[dst.position()];
        dst.flip().get(out);
        return out;
    }

    @Override
    public void close() {
        client.close();
        server.close();
    }
}
