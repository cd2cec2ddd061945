package io.jtls.resumption;

import static io.jtls.resumption.Resumption.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jtls.Tls;
import io.jtls.TlsServer;
import io.jtls.TlsServerOptions;
import io.jtls.context.Constants;
import io.jtls.session.InMemorySessionStore;
import io.jtls.support.NativeLeakCheck;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Garbage where a session should be: clients offering tickets and session ids the server never
 * issued get a full handshake, never an error, and the server's cache is asked only about ids.
 */
class GarbageSessionTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    @RegisterExtension
    final NativeLeakCheck nativeLeaks = NativeLeakCheck.eventually();

    /** {@code session} with {@code part} (found inside it) replaced by random bytes of the same length. */
    private static byte[] corrupt(byte[] session, byte[] part) {
        byte[] out = session.clone();
        for (int i = 0; i + part.length <= out.length; i++) {
            if (java.util.Arrays.equals(out, i, i + part.length, part, 0, part.length)) {
                byte[] noise = new byte[part.length];
                RANDOM.nextBytes(noise);
                System.arraycopy(noise, 0, out, i, part.length);
                return out;
            }
        }
        throw new AssertionError("part not found in the session");
    }

    @ParameterizedTest(name = "{0}, tickets={1}")
    @CsvSource({"TLSv1.2, true", "TLSv1.2, false", "TLSv1.3, true", "TLSv1.3, false"})
    void aSessionWhoseTicketOrIdIsGarbageGivesAFullHandshake(String version, boolean tickets) {
        TlsServerOptions.Builder options = serverOptions().maxVersion(version);
        if (!tickets) {
            options.secureOptions(Constants.SSL_OP_NO_TICKET);
        }
        TlsServer server = Tls.createServer(options.build(), s -> s.pipe(s));
        List<byte[]> stored = new CopyOnWriteArrayList<>();
        List<byte[]> asked = new CopyOnWriteArrayList<>();
        InMemorySessionStore store = InMemorySessionStore.create();
        server.on(TlsServer.NEW_SESSION, (id, data, done) -> {
            stored.add(id);
            store.put(id, data, java.time.Duration.ofMinutes(5)).thenRun(done);
        });
        server.on(TlsServer.RESUME_SESSION, (id, callback) -> {
            asked.add(id);
            store.get(id).thenAccept(data -> callback.call(null, data));
        });
        try (Listening l = listen(server)) {
            int perHandshake = version.equals("TLSv1.2") ? 1 : 2;
            Conn first = connectFor(clientTo(l.port()).build(), perHandshake);
            // What the client sends back: its ticket, or (TLS 1.2 without tickets) the session id.
            byte[] sent = first.ticket != null ? first.ticket : stored.getLast();
            byte[] garbage = corrupt(first.session(), sent);
            int askedBefore = asked.size();
            Conn again = connectFor(clientTo(l.port()).session(garbage).build(), perHandshake);
            assertFalse(again.reused, "never resumed from garbage");
            assertFalse(again.events.stream().anyMatch(e -> e.startsWith("error")), again.events.toString());
            if (!tickets) {
                assertEquals(askedBefore + 1, asked.size(), "the garbage id was looked up: a miss");
                assertEquals(sent.length, asked.getLast().length);
                assertFalse(java.util.Arrays.equals(sent, asked.getLast()));
            }
        }
    }

    @Test
    void aRawClientHelloWithAGarbageTicketAndSessionIdGetsAServerHello() throws Exception {
        List<byte[]> asked = new CopyOnWriteArrayList<>();
        TlsServer server = Tls.createServer(serverOptions().maxVersion("TLSv1.2").build(), s -> s.pipe(s));
        server.on(TlsServer.RESUME_SESSION, (id, callback) -> {
            asked.add(id);
            callback.call(null, null);
        });
        List<String> clientErrors = new CopyOnWriteArrayList<>();
        server.on(TlsServer.TLS_CLIENT_ERROR, (e, s) -> clientErrors.add(code(e)));
        try (Listening l = listen(server)) {
            byte[] id = new byte[32];
            RANDOM.nextBytes(id);
            for (byte[] ticket : List.of(randomBytes(160), randomBytes(1), new byte[0])) {
                byte[] reply = exchange(l.port(), clientHello(id, ticket));
                assertEquals(0x16, reply[0] & 0xFF, "a handshake record, not an alert");
                assertEquals(0x02, reply[5] & 0xFF, "ServerHello: a full handshake starts");
            }
            assertEquals(1, asked.size(), "only the hello with an empty ticket is looked up by id (Node's rule)");
            assertArrayEquals(id, asked.getFirst());
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    /** Sends {@code hello} on a plain TCP socket and returns the first TLS record of the reply. */
    private static byte[] exchange(int port, byte[] hello) throws Exception {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(hello);
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] header = new byte[5];
            in.readFully(header);
            byte[] body = new byte[((header[3] & 0xFF) << 8) | (header[4] & 0xFF)];
            in.readFully(body);
            byte[] record = new byte[5 + body.length];
            System.arraycopy(header, 0, record, 0, 5);
            System.arraycopy(body, 0, record, 5, body.length);
            return record;
        }
    }

    /**
     * A TLS 1.2 ClientHello (RFC 5246 7.4.1.2) offering ECDHE-ECDSA-AES128-GCM-SHA256 on P-256, with
     * the given legacy session id and session_ticket extension (RFC 5077).
     */
    private static byte[] clientHello(byte[] sessionId, byte[] ticket) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x03, 0x03});
        body.writeBytes(randomBytes(32));
        body.write(sessionId.length);
        body.writeBytes(sessionId);
        body.writeBytes(new byte[] {0x00, 0x02, (byte) 0xC0, 0x2B}); // cipher suites
        body.writeBytes(new byte[] {0x01, 0x00}); // null compression
        ByteArrayOutputStream ext = new ByteArrayOutputStream();
        ext.writeBytes(new byte[] {0x00, 0x0A, 0x00, 0x04, 0x00, 0x02, 0x00, 0x17}); // supported_groups: P-256
        ext.writeBytes(new byte[] {0x00, 0x0B, 0x00, 0x02, 0x01, 0x00}); // ec_point_formats
        ext.writeBytes(new byte[] {0x00, 0x0D, 0x00, 0x04, 0x00, 0x02, 0x04, 0x03}); // ecdsa_secp256r1_sha256
        ext.writeBytes(new byte[] {0x00, 0x23, (byte) (ticket.length >> 8), (byte) ticket.length});
        ext.writeBytes(ticket);
        byte[] extensions = ext.toByteArray();
        body.writeBytes(new byte[] {(byte) (extensions.length >> 8), (byte) extensions.length});
        body.writeBytes(extensions);
        byte[] b = body.toByteArray();
        ByteArrayOutputStream record = new ByteArrayOutputStream();
        int handshakeLength = 4 + b.length;
        record.writeBytes(new byte[] {0x16, 0x03, 0x01, (byte) (handshakeLength >> 8), (byte) handshakeLength});
        record.writeBytes(new byte[] {0x01, (byte) (b.length >> 16), (byte) (b.length >> 8), (byte) b.length});
        record.writeBytes(b);
        return record.toByteArray();
    }
}
