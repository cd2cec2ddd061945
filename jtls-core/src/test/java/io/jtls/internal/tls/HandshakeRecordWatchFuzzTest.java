package io.jtls.internal.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;

/**
 * The renegotiation watch reads the record headers of every byte a peer sends. On any bytes,
 * cut into any reads, it never throws, never moves the buffer, and counts the same handshakes as
 * when it reads them in one piece.
 */
class HandshakeRecordWatchFuzzTest {
    @FuzzTest
    void anySplit(FuzzedDataProvider data) {
        int[] cuts = new int[data.consumeInt(0, 8)];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = data.consumeInt(1, 64);
        }
        byte[] bytes = data.consumeRemainingAsBytes();
        int whole = new HandshakeRecordWatch().scan(ByteBuffer.wrap(bytes));
        HandshakeRecordWatch watch = new HandshakeRecordWatch();
        int pieces = 0;
        for (int i = 0, c = 0; i < bytes.length; c++) {
            int n = cuts.length == 0 ? bytes.length : Math.min(cuts[c % cuts.length], bytes.length - i);
            ByteBuffer chunk = ByteBuffer.allocateDirect(n + 3).position(3); // a read into a buffer not at 0
            chunk.put(bytes, i, n).flip().position(3);
            pieces += watch.scan(chunk);
            assertEquals(3, chunk.position(), "the watch only looks");
            i += n;
        }
        assertEquals(whole, pieces, "the same count however the bytes are cut");
    }
}
