package io.jtls.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jtls.SecureContext;
import io.jtls.Tls;
import io.jtls.context.Constants;
import io.jtls.context.SecureContextOptions;
import io.jtls.error.TlsException;
import io.jtls.fuzz.FuzzChecks;
import io.jtls.internal.openssl.NativeKind;
import java.nio.ByteBuffer;

/**
 * Session blobs handed in by users: a client's {@code session} option ({@code setSession}) and a
 * server's {@code 'resumeSession'} answer ({@code loadSession}), which may come from a tampered
 * external store. OpenSSL's {@code d2i_SSL_SESSION} reads them; the connection then either
 * resumes, falls back to a full handshake, or fails with a {@link TlsException}, and every native
 * object made along the way is freed once.
 */
class SessionBlobFuzzTest {
    private static final SecureContext CLIENT = Tls.createSecureContext(SecureContextOptions.builder()
            .ca(TestPki.ROOT.certificatePem()).build());
    /** TLS 1.2 with session ids (no tickets): the server looks the client's id up. */
    private static final SecureContext SERVER12 = server("TLSv1.2");
    private static final SecureContext SERVER13 = server("TLSv1.3");
    private static final byte[] SESSION12 = firstSession(SERVER12);
    private static final byte[] SESSION13 = firstSession(SERVER13);

    private static SecureContext server(String maxVersion) {
        return Tls.createSecureContext(SecureContextOptions.builder().cert(TestPki.SERVER_EC.chainPem())
                .key(TestPki.SERVER_EC.privateKeyPem()).maxVersion(maxVersion)
                .secureOptions(Constants.SSL_OP_NO_TICKET).sessionIdContext("fuzz").build());
    }

    private static byte[] firstSession(SecureContext server) {
        try (EnginePair p = new EnginePair(CLIENT, server)) {
            p.client.enableSessionCallbacks();
            p.handshake();
            p.readTickets();
            NewSession s = p.client.takeNewSession();
            assertNotNull(s, "a session to start from");
            byte[] data = s.data();
            p.client.discardNewSessions();
            return data;
        }
    }

    @FuzzTest
    void clientSession(FuzzedDataProvider data) {
        boolean tls13 = data.consumeBoolean();
        byte[] blob = blob(data, tls13 ? SESSION13 : SESSION12);
        connect(tls13 ? SERVER13 : SERVER12, blob, null);
    }

    @FuzzTest
    void serverLoadSession(FuzzedDataProvider data) {
        byte[] blob = blob(data, SESSION12);
        connect(SERVER12, SESSION12, blob);
    }

    private static byte[] blob(FuzzedDataProvider data, byte[] template) {
        return data.consumeBoolean()
                ? FuzzChecks.edited(template, data.consumeBytes(3 * data.consumeInt(0, 8)), data.consumeInt(0, template.length))
                : data.consumeRemainingAsBytes();
    }

    /** One in-memory connection: the client offers {@code offered}, the server loads {@code loaded} when it asks. */
    private static void connect(SecureContext server, byte[] offered, byte[] loaded) {
        long before = NativeKind.liveTotal();
        try (EnginePair p = new EnginePair(CLIENT, server)) {
            p.server.enableSessionCallbacks();
            FuzzChecks.refusesOnlyAsDocumented(() -> {
                p.client.setSession(offered);
                drive(p, loaded);
            });
            p.server.discardNewSessions();
        }
        assertEquals(before, NativeKind.liveTotal(), () -> "native objects freed: " + NativeKind.liveSummary());
    }

    private static void drive(EnginePair p, byte[] loaded) {
        ByteBuffer sink = ByteBuffer.allocate(4096);
        p.client.handshake();
        for (int round = 0; round < 16; round++) {
            int moved = p.transfer(p.client, p.server);
            if (p.server.state() == EngineState.AWAITING_CLIENT_HELLO) {
                if (loaded != null) {
                    p.server.loadSession(loaded);
                }
                p.server.resumeHandshake();
            } else if (p.server.state() != EngineState.ESTABLISHED) {
                p.server.handshake();
            }
            moved += p.transfer(p.server, p.client);
            if (p.client.state() == EngineState.ESTABLISHED) {
                sink.clear();
                p.client.clearOut(sink);
            } else {
                p.client.handshake();
            }
            if (moved == 0) {
                return;
            }
        }
    }
}
