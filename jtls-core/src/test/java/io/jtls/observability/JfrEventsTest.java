package io.jtls.observability;

import static io.jtls.observability.Observed.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jtls.context.Constants;
import io.jtls.session.InMemorySessionStore;
import io.jtls.session.TicketKeyRing;
import io.jtls.support.NativeLeakCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Predicate;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Flight Recorder events of real handshakes, read back from a recording file as
 * {@code jfr print} would: full, resumed (through a session store) and failing handshakes on
 * both sides, the store's get and put, ticket key changes.
 */
class JfrEventsTest {
    @RegisterExtension
    final NativeLeakCheck nativeLeaks = NativeLeakCheck.eventually();

    @TempDir
    Path dir;

    private static final List<String> EVENTS = List.of("io.jtls.HandshakeCompleted", "io.jtls.HandshakeFailed",
            "io.jtls.SessionStoreGet", "io.jtls.SessionStorePut", "io.jtls.TicketKeyRotation");

    /** Runs {@code work} under a recording of jtls's events and returns them, in commit order. */
    private List<RecordedEvent> record(ThrowingRunnable work) throws Exception {
        Path file = dir.resolve("jtls.jfr");
        try (Recording recording = new Recording()) {
            for (String name : EVENTS) {
                recording.enable(name).withoutStackTrace();
            }
            recording.start();
            work.run();
            recording.stop();
            recording.dump(file);
        }
        return RecordingFile.readAllEvents(file).stream()
                .filter(e -> e.getEventType().getName().startsWith("io.jtls."))
                .sorted(java.util.Comparator.comparing(RecordedEvent::getEndTime))
                .toList();
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static List<RecordedEvent> of(List<RecordedEvent> events, String name, Predicate<RecordedEvent> filter) {
        return events.stream().filter(e -> e.getEventType().getName().equals(name)).filter(filter).toList();
    }

    private static Predicate<RecordedEvent> side(String side) {
        return e -> side.equals(e.getString("side"));
    }

    @Test
    void handshakesOfATls12ServerWithASessionStore() throws Exception {
        InMemorySessionStore store = InMemorySessionStore.create();
        int[] port = new int[1];
        List<RecordedEvent> events = record(() -> {
            try (Server server = new Server(serverOptions().maxVersion("TLSv1.2").alpnProtocols(List.of("h2"))
                    .secureOptions(Constants.SSL_OP_NO_TICKET).sessionStore(store).build())) {
                port[0] = server.port;
                Client full = new Client(clientOptions(server.port).alpnProtocols(List.of("h2")), server.port)
                        .roundTrip("one").awaitSessions(1);
                full.end();
                Client again = new Client(clientOptions(server.port).alpnProtocols(List.of("h2"))
                        .session(full.sessions.getLast()), server.port).roundTrip("two");
                assertTrue(again.reused);
                again.end();
                plainExchange(server.port, HTTP_REQUEST);
                server.awaitClientErrors(1);
                server.awaitSecured(2);
                server.awaitNoConnections();
            }
        });

        List<RecordedEvent> serverDone = of(events, "io.jtls.HandshakeCompleted", side("server"));
        assertEquals(2, serverDone.size(), serverDone.toString());
        RecordedEvent first = serverDone.get(0);
        RecordedEvent resumed = serverDone.get(1);
        for (RecordedEvent e : serverDone) {
            assertEquals("TLSv1.2", e.getString("protocol"));
            assertTrue(e.getString("cipher").startsWith("ECDHE-"), e.getString("cipher"));
            assertEquals("h2", e.getString("alpnProtocol"));
            assertTrue(e.getString("peerAddress").startsWith("127.0.0.1:"), e.getString("peerAddress"));
            assertTrue(e.getDuration().toNanos() > 0, "the handshake's duration");
        }
        assertEquals("localhost", first.getString("serverName"));
        // What the socket's servername says: OpenSSL reports none on a TLS 1.2 resumption by session id.
        assertNull(resumed.getString("serverName"));
        assertFalse(first.getBoolean("resumed"));
        assertEquals("X25519", first.getString("group"), "OpenSSL's first default group");
        assertTrue(resumed.getBoolean("resumed"));
        assertEquals("X25519", resumed.getString("group"), "a TLS 1.2 resumption: the session's original group, as OpenSSL reports it");

        List<RecordedEvent> clientDone = of(events, "io.jtls.HandshakeCompleted", side("client"));
        assertEquals(2, clientDone.size());
        assertFalse(clientDone.get(0).getBoolean("resumed"));
        assertTrue(clientDone.get(1).getBoolean("resumed"));
        assertEquals("127.0.0.1:" + port[0], clientDone.get(0).getString("peerAddress"));
        assertEquals("X25519", clientDone.get(0).getString("group"));

        List<RecordedEvent> failed = of(events, "io.jtls.HandshakeFailed", e -> true);
        assertEquals(1, failed.size(), failed.toString());
        RecordedEvent http = failed.getFirst();
        assertEquals("server", http.getString("side"));
        assertEquals("ERR_SSL_HTTP_REQUEST", http.getString("code"));
        assertEquals("handshake", http.getString("stage"));
        assertTrue(http.getString("peerAddress").startsWith("127.0.0.1:"));

        List<RecordedEvent> puts = of(events, "io.jtls.SessionStorePut", e -> true);
        assertEquals(1, puts.size(), "one full handshake made one session");
        assertEquals(InMemorySessionStore.class.getName(), puts.getFirst().getString("store"));
        assertTrue(puts.getFirst().getInt("size") > 0);
        assertNull(puts.getFirst().getString("failure"));
        List<RecordedEvent> gets = of(events, "io.jtls.SessionStoreGet", e -> true);
        // A TLS 1.3-capable client fills the legacy session id with random bytes, which this TLS 1.2
        // server looks up (a miss); the resumption then finds its session.
        assertEquals(List.of(false, true), gets.stream().map(e -> e.getBoolean("hit")).toList(), events.toString());
        assertTrue(gets.stream().allMatch(e -> e.getString("failure") == null));
    }

    @Test
    void aTls13TicketResumptionAndAFailingStore() throws Exception {
        io.jtls.session.SessionStore failing = new io.jtls.session.SessionStore() {
            @Override
            public java.util.concurrent.CompletionStage<Void> put(byte[] id, byte[] data, java.time.Duration ttl) {
                return java.util.concurrent.CompletableFuture.completedFuture(null);
            }

            @Override
            public java.util.concurrent.CompletionStage<byte[]> get(byte[] id) {
                return java.util.concurrent.CompletableFuture.failedFuture(new IllegalStateException("store unreachable"));
            }
        };
        List<RecordedEvent> events = record(() -> {
            try (Server tickets = new Server(serverOptions().build())) {
                Client full = new Client(clientOptions(tickets.port), tickets.port).roundTrip("one").awaitSessions(1);
                full.end();
                Client again = new Client(clientOptions(tickets.port).session(full.sessions.getLast()), tickets.port)
                        .roundTrip("two");
                assertTrue(again.reused);
                again.end();
                tickets.awaitSecured(2);
            }
            try (Server broken = new Server(serverOptions().maxVersion("TLSv1.2").secureOptions(Constants.SSL_OP_NO_TICKET)
                    .sessionStore(failing).build())) {
                Client full = new Client(clientOptions(broken.port).maxVersion("TLSv1.2"), broken.port)
                        .roundTrip("one").awaitSessions(1);
                full.end();
                Client again = new Client(clientOptions(broken.port).maxVersion("TLSv1.2")
                        .session(full.sessions.getLast()), broken.port).roundTrip("two");
                assertFalse(again.reused, "the store failed: a full handshake");
                again.end();
                broken.awaitSecured(2);
            }
        });
        List<RecordedEvent> server13 = of(events, "io.jtls.HandshakeCompleted",
                side("server").and(e -> "TLSv1.3".equals(e.getString("protocol"))));
        assertEquals(List.of(false, true), server13.stream().map(e -> e.getBoolean("resumed")).toList());
        assertEquals("X25519", server13.get(1).getString("group"), "a TLS 1.3 resumption still exchanges a key (psk_dhe_ke)");
        assertTrue(server13.get(0).getString("cipher").startsWith("TLS_"), server13.get(0).getString("cipher"));

        List<RecordedEvent> gets = of(events, "io.jtls.SessionStoreGet", e -> true);
        assertEquals(1, gets.size(), gets.toString());
        assertFalse(gets.getFirst().getBoolean("hit"));
        assertEquals("java.lang.IllegalStateException: store unreachable", gets.getFirst().getString("failure"));
    }

    @Test
    void failuresOnBothSidesSayWhereTheHandshakeWas() throws Exception {
        String[] clientCode = new String[1];
        List<RecordedEvent> events = record(() -> {
            try (Server server = new Server(serverOptions().requestCert(true).rejectUnauthorized(true)
                    .ca(ROOT.certificatePem()).build())) {
                // The server rejects a client certificate it cannot verify (after the handshake, as Node).
                Client stranger = new Client(clientOptions(server.port).maxVersion("TLSv1.2")
                        .cert(SELF_SIGNED_CLIENT.certificatePem()).key(SELF_SIGNED_CLIENT.privateKeyPem()), server.port);
                server.awaitClientErrors(1);
                stranger.destroy();
                // A client that does not trust the server's issuer rejects it.
                Client doubting = new Client(clientOptions(server.port).ca(SELF_SIGNED_CLIENT.certificatePem())
                        .cert(CLIENT.certificatePem()).key(CLIENT.privateKeyPem()), server.port);
                clientCode[0] = ((io.jtls.error.TlsException) Observed.await(doubting.error)).code();
                Observed.await(doubting.closed);
                // A client that connects and says nothing before leaving.
                plainExchange(server.port, new byte[0]);
                server.awaitClientErrors(2);
                server.awaitNoConnections();
            }
        });
        List<RecordedEvent> serverFailed = of(events, "io.jtls.HandshakeFailed", side("server"));
        RecordedEvent rejected = serverFailed.stream().filter(e -> "verify".equals(e.getString("stage"))).findFirst().orElseThrow(
                () -> new AssertionError(serverFailed.toString()));
        assertEquals("DEPTH_ZERO_SELF_SIGNED_CERT", rejected.getString("code"));
        assertEquals("localhost", rejected.getString("serverName"));
        RecordedEvent silent = serverFailed.getLast();
        assertEquals("ECONNRESET", silent.getString("code"));
        assertEquals("client-hello", silent.getString("stage"));
        assertEquals("socket hang up", silent.getString("message"));

        List<RecordedEvent> clientFailed = of(events, "io.jtls.HandshakeFailed", side("client"));
        assertEquals(2, clientFailed.size(), clientFailed.toString());
        // The rejected client: the server hung up on it.
        assertEquals("ECONNRESET", clientFailed.get(0).getString("code"));
        assertEquals("Client network socket disconnected before secure TLS connection was established",
                clientFailed.get(0).getString("message"));
        // The doubting client rejected the server.
        RecordedEvent doubt = clientFailed.get(1);
        assertEquals("SELF_SIGNED_CERT_IN_CHAIN", clientCode[0]);
        assertEquals(clientCode[0], doubt.getString("code"), "the code of the client's 'error'");
        assertEquals("verify", doubt.getString("stage"));
        assertEquals("localhost", doubt.getString("serverName"));
        assertTrue(doubt.getDuration().toNanos() > 0);
    }

    @Test
    void ticketKeyChangesAreRecordedWithoutTheKeys() throws Exception {
        TicketKeyRing ring = TicketKeyRing.create();
        byte[] nodeKeys = new byte[48];
        nodeKeys[0] = 7;
        List<RecordedEvent> events = record(() -> {
            ring.rotate();
            try (Server server = new Server(serverOptions().build())) {
                server.tls.setTicketKeys(nodeKeys);
            }
        });
        List<RecordedEvent> changes = of(events, "io.jtls.TicketKeyRotation", e -> true);
        assertEquals(2, changes.size(), changes.toString());
        RecordedEvent rotation = changes.get(0);
        assertEquals("rotate", rotation.getString("change"));
        assertEquals(1, rotation.getLong("generation"));
        assertEquals(2, rotation.getInt("keys"));
        assertEquals(HexFormat.of().formatHex(ring.current().name()), rotation.getString("currentKeyName"));
        RecordedEvent set = changes.get(1);
        assertEquals("setTicketKeys", set.getString("change"));
        assertEquals(-1, set.getLong("generation"));
        assertEquals(HexFormat.of().formatHex(nodeKeys, 0, 16), set.getString("currentKeyName"));
        for (RecordedEvent e : changes) {
            assertEquals(List.of("change", "generation", "keys", "currentKeyName"), e.getFields().stream()
                    .map(f -> f.getName()).filter(n -> !List.of("startTime", "duration", "eventThread", "stackTrace").contains(n))
                    .toList(), "nothing but names and counts");
        }
    }

    @Test
    void eventsARecordingDisablesAreNotCommitted() throws Exception {
        Path file = dir.resolve("other.jfr");
        try (Server server = new Server(serverOptions().build())) {
            try (Recording other = new Recording()) {
                for (String name : EVENTS) {
                    other.disable(name); // enabled by default otherwise, as -XX:StartFlightRecording would have them
                }
                other.enable("jdk.ThreadStart");
                other.start();
                new Client(clientOptions(server.port), server.port).roundTrip("quiet").end();
                server.awaitSecured(1);
                other.stop();
                other.dump(file);
            }
        }
        assertTrue(RecordingFile.readAllEvents(file).stream().noneMatch(e -> e.getEventType().getName().startsWith("io.jtls.")));
    }
}
