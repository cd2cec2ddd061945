package io.jtls.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jtls.SecureContext;
import io.jtls.Tls;
import io.jtls.context.Constants;
import io.jtls.context.SecureContextOptions;
import io.jtls.fuzz.FuzzChecks;
import io.jtls.internal.context.SecureContexts;
import io.jtls.internal.openssl.NativeKind;
import java.nio.ByteBuffer;

/**
 * Hostile ClientHellos through a real server engine: OpenSSL parses the record and calls the
 * client hello callback, where {@link ClientHelloReader} copies the session id and extensions
 * and {@link ClientHelloParser} reads them (the path of Node's {@code 'resumeSession'} and
 * SNI). The templates are real ClientHellos (TLS 1.3 with SNI, ALPN and a stateful PSK, TLS 1.2
 * with a session id) with bytes changed. The engine answers or fails with a Node error; the
 * hello callback never lets an exception out, and every native object is freed.
 */
class ClientHelloFuzzTest {
    private static final SecureContext CLIENT = Tls.createSecureContext(SecureContextOptions.builder()
            .ca(TestPki.ROOT.certificatePem()).build());
    private static final SecureContext SERVER = Tls.createSecureContext(SecureContextOptions.builder()
            .cert(TestPki.SERVER_EC.chainPem()).key(TestPki.SERVER_EC.privateKeyPem())
            .secureOptions(Constants.SSL_OP_NO_TICKET).sessionIdContext("fuzz").build());
    private static final byte[] HELLO13 = firstFlight(null, "TLSv1.3");
    private static final byte[] HELLO12 = firstFlight(null, "TLSv1.2");
    private static final byte[] RESUMING13 = firstFlight(session(), "TLSv1.3");

    /** A session from a full handshake, to make a ClientHello that offers it. */
    private static byte[] session() {
        try (EnginePair p = new EnginePair(CLIENT, SERVER)) {
            p.client.enableSessionCallbacks();
            p.server.enableSessionCallbacks();
            p.client.setServername("localhost");
            p.handshake();
            p.readTickets();
            NewSession s = p.client.takeNewSession();
            assertNotNull(s);
            p.client.discardNewSessions();
            p.server.discardNewSessions();
            return s.data();
        }
    }

    /** The ciphertext a client engine sends first: its ClientHello record(s). */
    private static byte[] firstFlight(byte[] session, String maxVersion) {
        SecureContext ctx = Tls.createSecureContext(SecureContextOptions.builder().ca(TestPki.ROOT.certificatePem())
                .maxVersion(maxVersion).build());
        try (TlsEngine client = TlsEngine.client(SecureContexts.nativeOf(ctx))) {
            client.setServername("localhost");
            client.setAlpnProtocols(java.util.List.of("h2", "http/1.1"));
            if (session != null) {
                client.setSession(session);
            }
            client.handshake();
            ByteBuffer out = ByteBuffer.allocate(client.encPending());
            client.encOut(out);
            return out.array();
        } finally {
            ctx.close();
        }
    }

    @FuzzTest
    void hello(FuzzedDataProvider data) {
        byte[] template = switch (data.consumeInt(0, 2)) {
            case 0 -> HELLO13;
            case 1 -> HELLO12;
            default -> RESUMING13;
        };
        boolean pause = data.consumeBoolean();
        byte[] hello = data.consumeBoolean()
                ? FuzzChecks.edited(template, data.consumeBytes(3 * data.consumeInt(1, 8)), 0)
                : data.consumeRemainingAsBytes();
        long before = NativeKind.liveTotal();
        try (TlsEngine server = TlsEngine.server(SecureContexts.nativeOf(SERVER))) {
            server.enableSessionCallbacks();
            if (pause) {
                server.pauseAt(PausePoint.CLIENT_HELLO);
            }
            FuzzChecks.refusesOnlyAsDocumented(() -> {
                server.encIn(ByteBuffer.wrap(hello));
                EngineState state = server.handshake();
                if (state == EngineState.AWAITING_CLIENT_HELLO) {
                    ClientHelloInfo info = server.clientHello();
                    server.sessionLookupId();
                    if (info != null) {
                        info.servername().length();
                    }
                    server.resumeHandshake();
                }
            });
            server.discardNewSessions();
        }
        assertEquals(before, NativeKind.liveTotal(), () -> "native objects freed: " + NativeKind.liveSummary());
    }
}
