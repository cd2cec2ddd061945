package io.jtls.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.Tls;
import io.jtls.TlsServer;
import io.jtls.TlsSocket;
import io.jtls.interop.RecordProxy.TlsRecord;
import io.jtls.support.NativeLeakCheck;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One large write from a jtls server is cut into records of the maximum fragment, as OpenSSL
 * (and so Node) cuts it: 16 KiB, or what {@code setMaxSendFragment} set. Seen on the wire through
 * a {@link RecordProxy}: the application-data records carrying an {@code n}-byte write are exactly
 * {@code ceil(n / fragment)}, none with more than {@code fragment} bytes of plaintext, whether the
 * write came from a heap {@code byte[]} or a direct {@code ByteBuffer}. A write cut at another
 * boundary (16 KiB + 2 KiB for 18 KiB) costs a record header, a tag and a syscall per piece.
 *
 * <p>Plaintext per record is the record length minus the cipher's overhead: TLS 1.2
 * AES-128-GCM (pinned) adds an 8-byte explicit nonce and a 16-byte tag; every TLS 1.3 suite
 * OpenSSL enables by default adds the inner content-type byte and a 16-byte tag. In TLS 1.3
 * handshake messages and tickets are application-data records too: the payload is the run of
 * records just before the closing alert whose plaintext adds up to {@code n}.
 */
class RecordSizeOnTheWireTest {
    @RegisterExtension
    final NativeLeakCheck nativeLeaks = NativeLeakCheck.eventually();

    private static final int APPLICATION_DATA = 23;
    private static final int MAX_FRAGMENT = 16384;
    private static final String HEAP = "heap byte[]";
    private static final String DIRECT = "direct ByteBuffer";

    static Stream<Arguments> writes() {
        List<Arguments> cases = new ArrayList<>();
        for (String version : List.of("TLSv1.2", "TLSv1.3")) {
            for (int fragment : new int[] {MAX_FRAGMENT, 4096}) {
                for (int size : new int[] {18 * 1024, 40000, 100 * 1024}) {
                    for (String buffer : List.of(HEAP, DIRECT)) {
                        cases.add(Arguments.of(version, fragment, size, buffer));
                    }
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}, fragment {1}: one write of {2} bytes from a {3}")
    @MethodSource("writes")
    void oneWriteIsCutAtTheMaximumFragment(String version, int fragment, int size, String buffer) throws Exception {
        byte[] payload = new byte[size];
        new SplittableRandom(size).nextBytes(payload);
        CompletableFuture<Boolean> fragmentSet = new CompletableFuture<>();
        TlsServer server = Tls.createServer(JtlsPeer.serverWith(InteropCerts.SERVER_EC).minVersion(version)
                .maxVersion(version).ciphers("ECDHE-ECDSA-AES128-GCM-SHA256").build(), socket -> {
            fragmentSet.complete(fragment == MAX_FRAGMENT || socket.setMaxSendFragment(fragment));
            if (buffer.equals(DIRECT)) {
                socket.write(ByteBuffer.allocateDirect(size).put(payload).flip());
            } else {
                socket.write(payload.clone());
            }
            socket.end();
        });
        try (RecordProxy proxy = new RecordProxy(JtlsPeer.listen(server))) {
            JtlsPeer.Sink[] sink = new JtlsPeer.Sink[1];
            TlsSocket client = JtlsPeer.connect(JtlsPeer.clientTo(proxy.port()).minVersion(version).maxVersion(version)
                    .build(), s -> sink[0] = new JtlsPeer.Sink(s));
            JtlsPeer.Received received = JtlsPeer.await(sink[0].done);
            client.destroy();
            assertTrue(JtlsPeer.await(fragmentSet), "setMaxSendFragment(" + fragment + ")");
            assertEquals(size, received.bytes(), "bytes received");

            List<Integer> records = payloadRecords(proxy.toClient(), version, size);
            int expected = (size + fragment - 1) / fragment;
            assertTrue(records.stream().allMatch(n -> n <= fragment),
                    version + ", " + buffer + ": plaintext per record at most " + fragment + ": " + records);
            assertEquals(expected, records.size(), version + ", one write of " + size + " bytes from a " + buffer
                    + ", fragment " + fragment + ": plaintext per record " + records);
        } finally {
            JtlsPeer.close(server);
        }
    }

    /**
     * The plaintext sizes of the records that carried the write, in order: TLS 1.2, every
     * application-data record; TLS 1.3, those before the closing alert (the last record, its
     * plaintext two bytes) back to where they add up to {@code size}.
     */
    private static List<Integer> payloadRecords(List<TlsRecord> wire, String version, int size) {
        List<Integer> plaintext = new ArrayList<>();
        if (version.equals("TLSv1.2")) {
            for (TlsRecord r : wire) {
                if (r.type() == APPLICATION_DATA) {
                    plaintext.add(r.length() - 8 - 16);
                }
            }
            assertEquals(size, plaintext.stream().mapToInt(Integer::intValue).sum(), "application data on the wire: " + wire);
            return plaintext;
        }
        List<TlsRecord> encrypted = wire.stream().filter(r -> r.type() == APPLICATION_DATA).toList();
        assertEquals(2 + 1 + 16, encrypted.getLast().length(), "the last record is the close_notify alert: " + wire);
        int sum = 0;
        for (int i = encrypted.size() - 2; i >= 0 && sum < size; i--) {
            int n = encrypted.get(i).length() - 1 - 16;
            plaintext.addFirst(n);
            sum += n;
        }
        assertEquals(size, sum, "records before the closing alert add up to the write: " + plaintext + " of " + wire);
        return plaintext;
    }
}
