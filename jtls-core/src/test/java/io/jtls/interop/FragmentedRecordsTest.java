package io.jtls.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jtls.Tls;
import io.jtls.TlsServer;
import io.jtls.TlsSocket;
import io.jtls.support.NativeLeakCheck;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The socket path reads whatever the kernel has, wherever a record ends: through a proxy that
 * forwards the stream in pieces of 1 to 61 bytes (each its own TCP write), every record and
 * record header of the handshake and of 512 KiB echoed back arrives cut at ever other places
 * across reads, and both sides still get every byte, in order.
 */
class FragmentedRecordsTest {
    @RegisterExtension
    final NativeLeakCheck nativeLeaks = NativeLeakCheck.eventually();

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void recordsCutAtEveryPlaceAcrossReadsArriveWhole(String version) throws Exception {
        byte[] payload = new byte[512 * 1024];
        new SplittableRandom(5).nextBytes(payload);
        TlsServer server = Tls.createServer(JtlsPeer.serverWith(InteropCerts.SERVER_EC).minVersion(version)
                .maxVersion(version).build(), socket -> socket.pipe(socket));
        try (RecordProxy proxy = new RecordProxy(JtlsPeer.listen(server), 61)) {
            JtlsPeer.Sink[] sink = new JtlsPeer.Sink[1];
            TlsSocket client = JtlsPeer.connect(JtlsPeer.clientTo(proxy.port()).minVersion(version).maxVersion(version)
                    .build(), s -> sink[0] = new JtlsPeer.Sink(s));
            client.loop().execute(() -> {
                client.write(ByteBuffer.wrap(payload));
                client.end();
            });
            JtlsPeer.Received received = JtlsPeer.await(sink[0].done);
            assertEquals(payload.length, received.bytes(), version + ": " + proxy);
            java.security.MessageDigest digest = JtlsPeer.sha256();
            digest.update(payload);
            assertEquals(JtlsPeer.hex(digest), received.sha256(), version + ": the echo, byte for byte");
            client.destroy();
        } finally {
            JtlsPeer.close(server);
        }
    }
}
