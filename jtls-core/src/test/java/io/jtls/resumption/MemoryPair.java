package io.jtls.resumption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import io.jtls.SecureContext;
import io.jtls.internal.engine.EngineState;
import io.jtls.internal.engine.TlsEngine;
import io.jtls.internal.openssl.ErrorQueue;
import java.nio.ByteBuffer;

/**
 * A client engine and a server engine talking in memory: the test moves ciphertext between
 * them. Resumption tests use it to see exactly which sessions OpenSSL creates and when.
 */
final class MemoryPair implements AutoCloseable {
    final TlsEngine client;
    final TlsEngine server;
    private final ByteBuffer wire = ByteBuffer.allocateDirect(64 * 1024);

    MemoryPair(SecureContext clientContext, SecureContext serverContext) {
        this.client = TlsEngine.client(clientContext);
        try {
            this.server = TlsEngine.server(serverContext);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    int transfer(TlsEngine from, TlsEngine to) {
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

    /** Drives both sides until both are established, or returns early when the server pauses. */
    void handshake() {
        client.handshake();
        for (int round = 0; round < 32; round++) {
            int moved = transfer(client, server);
            if (!server.state().isPaused()) {
                server.handshake();
            }
            if (server.state().isPaused()) {
                return;
            }
            moved += transfer(server, client);
            client.handshake();
            assertFalse(ErrorQueue.hasError(), "the engine leaves OpenSSL's error queue empty");
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
    void resumeServer() {
        server.resumeHandshake();
        handshake();
    }

    /** Lets the client read what the server sent after the handshake (TLS 1.3 tickets). */
    void readTickets() {
        transfer(server, client);
        ByteBuffer sink = ByteBuffer.allocate(1024);
        client.clearOut(sink);
        assertEquals(0, sink.position(), "no application data expected");
    }

    @Override
    public void close() {
        client.close();
        server.close();
    }
}
