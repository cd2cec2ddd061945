package io.jtls.jsse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;

/**
 * Two SSLEngines wired to each other in memory, driven the way JSSE's own sample and Netty's
 * SslHandler drive one: run delegated tasks, wrap while there is something to send, unwrap what
 * arrived. The test plays the network; every result is recorded for the assertions.
 */
final class EnginePump {
    final SSLEngine client;
    final SSLEngine server;
    /** Ciphertext in flight, in write mode. */
    final ByteBuffer toServer = ByteBuffer.allocate(1 << 18);
    final ByteBuffer toClient = ByteBuffer.allocate(1 << 18);
    final ByteBuffer clientApp = ByteBuffer.allocate(1 << 18);
    final ByteBuffer serverApp = ByteBuffer.allocate(1 << 18);
    final List<SSLEngineResult> clientResults = new ArrayList<>();
    final List<SSLEngineResult> serverResults = new ArrayList<>();

    EnginePump(SSLEngine client, SSLEngine server) {
        this.client = client;
        this.server = server;
    }

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    /** Drives both until neither moves; returns normally even if the handshake did not finish (tests check). */
    void run() throws SSLException {
        for (int round = 0; round < 200; round++) {
            boolean moved = step(client, toClient, toServer, clientApp, clientResults);
            moved |= step(server, toServer, toClient, serverApp, serverResults);
            if (!moved) {
                return;
            }
        }
        fail("the engines never went quiet");
    }

    /** Handshakes and asserts both sides saw FINISHED exactly once. */
    void handshake() throws SSLException {
        client.beginHandshake();
        server.beginHandshake();
        run();
        // At least once: SunJSSE also reports FINISHED for TLS 1.3 post-handshake messages (tickets).
        assertTrue(finishedCount(clientResults) >= 1, "client FINISHED: " + clientResults);
        assertTrue(finishedCount(serverResults) >= 1, "server FINISHED: " + serverResults);
        assertEquals(HandshakeStatus.NOT_HANDSHAKING, client.getHandshakeStatus());
        assertEquals(HandshakeStatus.NOT_HANDSHAKING, server.getHandshakeStatus());
    }

    static long finishedCount(List<SSLEngineResult> results) {
        return results.stream().filter(r -> r.getHandshakeStatus() == HandshakeStatus.FINISHED).count();
    }

    static boolean step(SSLEngine engine, ByteBuffer in, ByteBuffer out, ByteBuffer app, List<SSLEngineResult> log)
            throws SSLException {
        boolean moved = false;
        while (true) {
            HandshakeStatus hs = engine.getHandshakeStatus();
            if (hs == HandshakeStatus.NEED_TASK) {
                Runnable task;
                while ((task = engine.getDelegatedTask()) != null) {
                    task.run();
                }
                moved = true;
                continue;
            }
            if (engine.isOutboundDone()) {
                break;
            }
            SSLEngineResult r = engine.wrap(EMPTY, out);
            log.add(r);
            if (r.bytesProduced() == 0) {
                break;
            }
            moved = true;
        }
        in.flip();
        try {
            while (in.hasRemaining() && !engine.isInboundDone()) {
                SSLEngineResult r = engine.unwrap(in, app);
                log.add(r);
                if (r.getStatus() == Status.BUFFER_UNDERFLOW || r.getStatus() == Status.BUFFER_OVERFLOW) {
                    break;
                }
                if (r.bytesConsumed() == 0 && r.getHandshakeStatus() != HandshakeStatus.NEED_TASK) {
                    break;
                }
                moved = true;
                if (r.getHandshakeStatus() == HandshakeStatus.NEED_TASK
                        || r.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                    break; // let the outer loop run the task or send first
                }
            }
        } finally {
            in.compact();
        }
        return moved;
    }

    /** Sends {@code data} from one side, in as many wraps as it takes, and returns what the other side read. */
    byte[] send(SSLEngine from, byte[] data) throws SSLException {
        boolean fromClient = from == client;
        ByteBuffer out = fromClient ? toServer : toClient;
        ByteBuffer src = ByteBuffer.wrap(data);
        while (src.hasRemaining()) {
            SSLEngineResult r = from.wrap(src, out);
            assertEquals(Status.OK, r.getStatus(), r.toString());
        }
        ByteBuffer app = fromClient ? serverApp : clientApp;
        app.clear();
        run();
        app.flip();
        byte[] got = new byte[app.remaining()];
        app.get(got);
        app.clear();
        return got;
    }
}
