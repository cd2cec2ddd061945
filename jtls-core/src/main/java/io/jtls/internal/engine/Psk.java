package io.jtls.internal.engine;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Pre-shared keys for one connection (Node's {@code pskCallback}): the answers a connection
 * gives OpenSSL's PSK callbacks, for TLS 1.2 PSK cipher suites and TLS 1.3 external PSKs
 * (OpenSSL 3.0 calls the same callbacks for both; in TLS 1.3 the key is used with SHA-256, the
 * hash of {@code TLS_AES_128_GCM_SHA256}).
 *
 * <h2>The one place where application code runs inside an OpenSSL callback</h2>
 * Every other hook records and returns, and the application answers later at a pause point.
 * PSK cannot: OpenSSL's PSK callbacks cannot return "retry" (there is no pause point after
 * a client's identity arrives: in TLS 1.2 it is in the ClientKeyExchange, after the server's
 * hello is sent; a client gets the server's hint in the ServerKeyExchange and must answer in the
 * same flight). Node calls its {@code pskCallback} synchronously from inside OpenSSL too, and
 * documents that it cannot be asynchronous. So the key functions below are called from inside
 * the upcall, on the thread that drove the engine (the connection's loop), under guards:
 * <ul>
 *   <li>the engine refuses to be driven while it runs ({@link TlsEngine} throws
 *       {@link IllegalStateException} from {@code handshake}, {@code clearIn}, {@code clearOut},
 *       {@code encIn}, {@code encOut}, {@code shutdown} and {@code close}): re-entering OpenSSL on
 *       the same {@code SSL} from its own callback would corrupt it;</li>
 *   <li>the functions must not throw: the layer above wraps the application's callback, keeps
 *       its exception to report after OpenSSL returns, and answers null; anything that still
 *       escapes is caught by the upcall and fails the handshake;</li>
 *   <li>the answer is checked against OpenSSL's limits and copied into OpenSSL's buffers; no
 *       reference to native memory escapes the call.</li>
 * </ul>
 */
public final class Psk {
    private Psk() {}

    /** A server's key for the identity a client sent; null for an unknown identity. */
    @FunctionalInterface
    public interface ServerKeys {
        /**
         * @param identity     the client's identity (valid UTF-8: others are refused before asking, as Node)
         * @param maxKeyLength the longest key OpenSSL takes
         */
        byte[] key(String identity, int maxKeyLength);
    }

    /** A client's identity and key for the server's hint; null to offer none. */
    @FunctionalInterface
    public interface ClientKeys {
        /**
         * @param hint              the server's identity hint; null in TLS 1.3 (no hint) or when the server sent none
         * @param maxKeyLength      the longest key OpenSSL takes
         * @param maxIdentityLength the longest identity (UTF-8 bytes) OpenSSL takes
         */
        Credentials credentials(String hint, int maxKeyLength, int maxIdentityLength);
    }

    /** What a client offers: its identity (sent in clear) and the key. */
    public record Credentials(byte[] key, String identity) {
        public Credentials {
            key = key.clone();
            java.util.Objects.requireNonNull(identity, "identity");
        }

        @Override
        public byte[] key() {
            return key.clone();
        }
    }

    /** The server callback's answer: the key's length, copied into {@code out}; 0 for none. */
    static int answerServer(ServerKeys keys, MemorySegment identity, MemorySegment out, int maxKeyLength) {
        String id = strictUtf8(identity);
        if (id == null) {
            return 0; // Node refuses an identity that is not UTF-8 without asking
        }
        return copyKey(keys.key(id, maxKeyLength), out, maxKeyLength);
    }

    /** The client callback's answer: the key's length, with the key and the NUL-terminated identity copied; 0 for none. */
    static int answerClient(ClientKeys keys, MemorySegment hint, MemorySegment identityOut, int maxIdentityLength,
                            MemorySegment out, int maxKeyLength) {
        String hintText = hint == null || hint.address() == 0 ? null : hint.reinterpret(Integer.MAX_VALUE).getString(0);
        Credentials credentials = keys.credentials(hintText, maxKeyLength, maxIdentityLength);
        if (credentials == null) {
            return 0;
        }
        byte[] identity = credentials.identity().getBytes(StandardCharsets.UTF_8);
        byte[] key = credentials.key();
        try {
            if (identity.length > maxIdentityLength || key.length == 0 || key.length > maxKeyLength) {
                return 0;
            }
            // OpenSSL's buffer holds maxIdentityLength + 1 bytes and reads the identity with strlen.
            MemorySegment idBuffer = identityOut.reinterpret(maxIdentityLength + 1L);
            MemorySegment.copy(identity, 0, idBuffer, ValueLayout.JAVA_BYTE, 0, identity.length);
            idBuffer.set(ValueLayout.JAVA_BYTE, identity.length, (byte) 0);
            return copyKey(key, out, maxKeyLength);
        } finally {
            Arrays.fill(key, (byte) 0); // our copy; OpenSSL cleanses its own
        }
    }

    private static int copyKey(byte[] key, MemorySegment out, int maxKeyLength) {
        if (key == null || key.length == 0 || key.length > maxKeyLength) {
            return 0;
        }
        MemorySegment.copy(key, 0, out.reinterpret(maxKeyLength), ValueLayout.JAVA_BYTE, 0, key.length);
        return key.length;
    }

    /** A NUL-terminated string that must be valid UTF-8; null when it is not. */
    private static String strictUtf8(MemorySegment cString) {
        if (cString == null || cString.address() == 0) {
            return null;
        }
        MemorySegment s = cString.reinterpret(Integer.MAX_VALUE);
        long length = 0;
        while (s.get(ValueLayout.JAVA_BYTE, length) != 0) {
            length++;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(s.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE)))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
