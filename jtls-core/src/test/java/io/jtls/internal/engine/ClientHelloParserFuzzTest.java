package io.jtls.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jtls.internal.openssl.SslCalls;

/**
 * Fuzzes the one ClientHello extension parser with the bytes a client controls. In the normal
 * suite this replays the corpus under ClientHelloParserFuzzTestInputs; {@code scripts/fuzz.sh
 * ClientHelloParserFuzzTest SECONDS} fuzzes it. Any exception is a finding: the parser reads
 * anything malformed as absent.
 */
class ClientHelloParserFuzzTest {
    private static final int MAX_SESSION_ID = 32;

    @FuzzTest
    void extensions(FuzzedDataProvider data) {
        byte[] sessionId = data.consumeBytes(data.consumeInt(0, 40));
        byte[] sni = nullable(data);
        byte[] ticket = nullable(data);
        byte[] alpn = nullable(data);
        byte[] versions = nullable(data);
        byte[] psk = data.consumeBoolean() ? null : data.consumeRemainingAsBytes();
        ClientHelloBytes hello = new ClientHelloBytes(sessionId, sni, ticket, alpn, versions, psk);

        ClientHelloInfo info = ClientHelloParser.info(hello);
        assertNotNull(info.servername());
        assertTrue(info.servername().length() <= Math.max(0, sni == null ? 0 : sni.length - 5));
        for (String protocol : info.alpnProtocols()) {
            assertFalse(protocol.isEmpty(), "an empty ALPN entry ends the list");
        }
        byte[] identity = ClientHelloParser.firstPskIdentity(psk);
        if (identity != null) {
            assertTrue(identity.length + 6 <= psk.length, "the identity and its age lie inside the extension");
        }
        for (boolean tls13 : new boolean[] {false, true}) {
            for (boolean stateful : new boolean[] {false, true}) {
                byte[] id = ClientHelloParser.idToLookUp(hello, tls13, stateful, MAX_SESSION_ID);
                if (id != null) {
                    assertTrue(id.length > 0 && id.length <= MAX_SESSION_ID);
                }
            }
        }
        if (!ClientHelloParser.offersVersion(versions, SslCalls.TLS1_3_VERSION)) {
            assertEquals(ClientHelloParser.idToLookUp(hello, false, true, MAX_SESSION_ID),
                    ClientHelloParser.idToLookUp(hello, true, true, MAX_SESSION_ID),
                    "without TLS 1.3 in supported_versions the legacy rule applies");
        }
    }

    private static byte[] nullable(FuzzedDataProvider data) {
        return data.consumeBoolean() ? null : data.consumeBytes(data.consumeInt(0, 300));
    }
}
