package io.jtls.jsse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Random;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Application records between a jtls client engine and a jtls server engine are lent to OpenSSL,
 * never stored in the engine's BIO storage (allocated and freed again per record): with direct
 * buffers OpenSSL reads the caller's source record and writes into the caller's destination in
 * place, with heap buffers through a per-thread direct scratch. Counted by the engine itself
 * ({@code TlsEngine.storedByteCounts()}: the bytes copied into its storage). Buffers are sized
 * as Netty's SslHandler sizes them for a JDK engine: one packet buffer per wrap, one application
 * buffer per unwrap, so every wrap makes exactly one full record that must fit.
 */
class RecordLoansTest {
    private static final int MIB4 = 4 << 20;

    @ParameterizedTest(name = "{0} direct={1}")
    @CsvSource({"TLSv1.3, true", "TLSv1.2, true", "TLSv1.3, false", "TLSv1.2, false"})
    void applicationRecordsAreNeverStored(String protocol, boolean direct) throws Exception {
        SSLEngine client = TestTls.client(TestTls.JTLS).createSSLEngine("localhost", 4433);
        client.setUseClientMode(true);
        SSLParameters params = client.getSSLParameters();
        params.setProtocols(new String[] {protocol});
        client.setSSLParameters(params);
        SSLEngine server = TestTls.server(TestTls.JTLS).createSSLEngine();
        server.setUseClientMode(false);
        EnginePump pump = new EnginePump(client, server);
        pump.handshake(); // its flights are stored: that is allowed
        assertEquals(protocol, client.getSession().getProtocol());

        long[] clientBefore = ((JtlsSslEngine) client).storedByteCounts();
        long[] serverBefore = ((JtlsSslEngine) server).storedByteCounts();
        assertTrue(clientBefore[1] > 0 && serverBefore[1] > 0, "the handshake flights were stored (the count counts)");
        byte[] up = data(1);
        byte[] down = data(2);
        assertArrayEquals(up, stream(client, server, up, direct), "client to server");
        assertArrayEquals(down, stream(server, client, down, direct), "server to client");
        long[] clientAfter = ((JtlsSslEngine) client).storedByteCounts();
        long[] serverAfter = ((JtlsSslEngine) server).storedByteCounts();
        // 8 MiB moved (over 512 records); the engines stored none of their ciphertext.
        assertArrayEquals(clientBefore, clientAfter, "client stored in/out bytes");
        assertArrayEquals(serverBefore, serverAfter, "server stored in/out bytes");
    }

    private static byte[] data(long seed) {
        byte[] data = new byte[MIB4];
        new Random(seed).nextBytes(data);
        return data;
    }

    /** Wraps all of {@code data} one record at a time and unwraps each record on the other side. */
    private static byte[] stream(SSLEngine from, SSLEngine to, byte[] data, boolean direct) throws Exception {
        ByteBuffer src = buffer(data.length, direct).put(data).flip();
        ByteBuffer net = buffer(from.getSession().getPacketBufferSize(), direct);
        ByteBuffer app = buffer(to.getSession().getApplicationBufferSize(), direct);
        ByteBuffer received = ByteBuffer.allocate(data.length);
        int records = 0;
        while (src.hasRemaining()) {
            int before = src.remaining();
            net.clear();
            SSLEngineResult wrapped = from.wrap(src, net);
            assertEquals(Status.OK, wrapped.getStatus(), wrapped.toString());
            assertEquals(Math.min(before, 16384), wrapped.bytesConsumed(), "one full record per wrap");
            assertEquals(net.position(), wrapped.bytesProduced());
            net.flip();
            app.clear();
            SSLEngineResult unwrapped = to.unwrap(net, app);
            assertEquals(Status.OK, unwrapped.getStatus(), unwrapped.toString());
            assertEquals(wrapped.bytesProduced(), unwrapped.bytesConsumed(), "the one record, whole");
            assertEquals(wrapped.bytesConsumed(), unwrapped.bytesProduced());
            assertEquals(app.position(), unwrapped.bytesProduced());
            received.put(app.flip());
            records++;
        }
        assertTrue(records >= 256, "records: " + records);
        return received.array();
    }

    private static ByteBuffer buffer(int size, boolean direct) {
        return direct ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
    }
}
