package io.jtls.jsse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslHandler;
import java.io.ByteArrayOutputStream;
import java.util.Random;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;

/**
 * Netty's SslHandler, unchanged, on a jtls client engine and a jtls server engine (two embedded
 * channels wired to each other, Netty's own buffers and allocator): 4 MiB each way arrive intact
 * and the engines store none of the application records' ciphertext, so what Netty hands wrap and
 * unwrap is lent to OpenSSL (see RecordLoansTest for the engine contract itself). Netty hands an
 * engine it takes for the JDK's heap buffers (its wrap buffers are heap ones whatever the
 * allocator prefers), so this is the per-thread scratch path.
 */
class NettyRecordLoansTest {
    @Test
    void bulkBothWaysThroughSslHandlersStoresNoRecord() throws Exception {
        SSLEngine clientEngine = TestTls.client(TestTls.JTLS).createSSLEngine("localhost", 4433);
        clientEngine.setUseClientMode(true);
        SSLEngine serverEngine = TestTls.server(TestTls.JTLS).createSSLEngine();
        serverEngine.setUseClientMode(false);
        SslHandler clientHandler = new SslHandler(clientEngine);
        SslHandler serverHandler = new SslHandler(serverEngine);
        EmbeddedChannel client = new EmbeddedChannel(clientHandler);
        EmbeddedChannel server = new EmbeddedChannel(serverHandler);
        try {
            pump(client, server);
            assertTrue(clientHandler.handshakeFuture().isSuccess(), "client handshake");
            assertTrue(serverHandler.handshakeFuture().isSuccess(), "server handshake");
            long[] clientBefore = ((JtlsSslEngine) clientEngine).storedByteCounts();
            long[] serverBefore = ((JtlsSslEngine) serverEngine).storedByteCounts();

            byte[] up = new byte[4 << 20];
            new Random(1).nextBytes(up);
            byte[] down = new byte[4 << 20];
            new Random(2).nextBytes(down);
            client.writeOutbound(client.alloc().buffer(up.length).writeBytes(up));
            server.writeOutbound(server.alloc().buffer(down.length).writeBytes(down));
            ByteArrayOutputStream atServer = new ByteArrayOutputStream();
            ByteArrayOutputStream atClient = new ByteArrayOutputStream();
            while (pump(client, server)) {
                drain(server, atServer);
                drain(client, atClient);
            }
            drain(server, atServer);
            drain(client, atClient);
            assertArrayEquals(up, atServer.toByteArray(), "client to server");
            assertArrayEquals(down, atClient.toByteArray(), "server to client");

            assertArrayEquals(clientBefore, ((JtlsSslEngine) clientEngine).storedByteCounts(), "client stored in/out bytes");
            assertArrayEquals(serverBefore, ((JtlsSslEngine) serverEngine).storedByteCounts(), "server stored in/out bytes");
        } finally {
            client.finishAndReleaseAll();
            server.finishAndReleaseAll();
        }
    }

    /** Moves ciphertext between the channels until neither has more; true when anything moved. */
    private static boolean pump(EmbeddedChannel client, EmbeddedChannel server) {
        boolean movedAny = false;
        boolean moved = true;
        while (moved) {
            moved = move(client, server) | move(server, client);
            movedAny |= moved;
        }
        return movedAny;
    }

    private static boolean move(EmbeddedChannel from, EmbeddedChannel to) {
        boolean moved = false;
        ByteBuf buf;
        while ((buf = from.readOutbound()) != null) {
            to.writeInbound(buf);
            moved = true;
        }
        return moved;
    }

    private static void drain(EmbeddedChannel channel, ByteArrayOutputStream into) {
        ByteBuf buf;
        while ((buf = channel.readInbound()) != null) {
            try {
                byte[] bytes = new byte[buf.readableBytes()];
                buf.readBytes(bytes);
                into.writeBytes(bytes);
            } finally {
                buf.release();
            }
        }
    }
}
