package io.jtls.internal.context;

import static io.jtls.internal.openssl.Types.C_INT;
import static io.jtls.internal.openssl.Types.C_POINTER;

import io.jtls.error.TlsException;
import io.jtls.internal.openssl.EvpCalls;
import io.jtls.internal.openssl.ErrorQueue;
import io.jtls.internal.openssl.NativeLibrary;
import io.jtls.internal.openssl.SslCalls;
import io.jtls.internal.openssl.SslCtxCalls;
import io.jtls.internal.openssl.TicketKeyCalls;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Session ticket keys, Node's way: 48 bytes (a 16-byte key name, a 16-byte HMAC-SHA256 key and
 * a 16-byte AES-128-CBC key) per context, random unless {@code ticketKeys} sets them, used by a
 * ticket key callback on the {@code SSL_CTX} ({@code TicketCompatibilityCallback} in
 * {@code crypto_context.cc}). Keeping Node's format means a Node server and a jtls server
 * given the same {@code ticketKeys} accept each other's tickets. The keys come from the
 * context's {@link TicketKeySource}, so a rotating key ring can replace the single key.
 *
 * <p>The callback finds its context through the {@code SSL_CTX}'s ex_data, which holds a number
 * (not a pointer) looked up in {@link #REGISTRY}; a context removes itself when it is freed, and
 * a callback that finds nothing declines the ticket (full handshake) rather than failing. Like
 * Node it asks {@code SSL_get_SSL_CTX}, i.e. the context the connection uses now (after an SNI
 * switch, the SNI context). {@code HMAC_Init_ex} is deprecated and may be missing
 * ({@code no-deprecated} builds): then OpenSSL's own random ticket keys are used and
 * {@code ticketKeys} is refused with {@code ERR_FEATURE_UNAVAILABLE_ON_PLATFORM}.
 */
final class TicketKeys {
    private TicketKeys() {}

    static final int LENGTH = 48;

    private static final Map<Long, NativeSecureContext> REGISTRY = new ConcurrentHashMap<>();
    private static final AtomicLong NEXT_ID = new AtomicLong(1);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final boolean SUPPORTED = NativeLibrary.find("HMAC_Init_ex").isPresent();
    private static final int EX_INDEX = SslCtxCalls.SSL_CTX_get_ex_new_index(0, MemorySegment.NULL,
            MemorySegment.NULL, MemorySegment.NULL, MemorySegment.NULL);

    /**
     * {@code int cb(SSL *s, unsigned char key_name[16], unsigned char iv[EVP_MAX_IV_LENGTH],
     * EVP_CIPHER_CTX *ctx, HMAC_CTX *hctx, int enc)}
     */
    private static final MemorySegment CALLBACK = SUPPORTED
            ? Upcalls.stub(MethodHandles.lookup(), "ticketKeyCallback",
                    FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_INT))
            : MemorySegment.NULL;

    /** 48 fresh random bytes. */
    static byte[] random() {
        byte[] keys = new byte[LENGTH];
        RANDOM.nextBytes(keys);
        return keys;
    }

    /** True when this OpenSSL lets jtls supply ticket keys. */
    static boolean supported() {
        return SUPPORTED;
    }

    /** Registers the context and installs the callback on its {@code SSL_CTX}; returns the registry id. */
    static long install(NativeSecureContext context, MemorySegment ctx) {
        if (!SUPPORTED) {
            return 0;
        }
        long id = NEXT_ID.getAndIncrement();
        REGISTRY.put(id, context);
        ErrorQueue.clear();
        if (SslCtxCalls.SSL_CTX_set_ex_data(ctx, EX_INDEX, MemorySegment.ofAddress(id)) != 1) {
            REGISTRY.remove(id);
            throw ErrorQueue.exception("SSL_CTX_set_ex_data", "ERR_OSSL_MALLOC_FAILURE");
        }
        SslCtxCalls.SSL_CTX_set_tlsext_ticket_key_cb(ctx, CALLBACK);
        return id;
    }

    /** Forgets the context: from now on its callback declines tickets. */
    static void uninstall(long id) {
        if (id != 0) {
            REGISTRY.remove(id);
        }
    }

    /** Node's {@code ticketKeys} checks: exactly 48 bytes, and an OpenSSL that allows them. */
    static byte[] validate(byte[] keys, String name) {
        if (keys.length != LENGTH) {
            throw new TlsException("ERR_INVALID_ARG_VALUE",
                    "The property '" + name + "' must be exactly 48 bytes. Received " + keys.length);
        }
        if (!SUPPORTED) {
            throw new TlsException("ERR_FEATURE_UNAVAILABLE_ON_PLATFORM",
                    "Setting ticket keys needs HMAC_Init_ex, which this OpenSSL build lacks");
        }
        return keys.clone();
    }

    @SuppressWarnings("unused") // called by OpenSSL through CALLBACK
    private static int ticketKeyCallback(MemorySegment ssl, MemorySegment keyName, MemorySegment iv,
                                         MemorySegment cipherCtx, MemorySegment hmacCtx, int enc) {
        try {
            MemorySegment ctx = SslCalls.SSL_get_SSL_CTX(ssl);
            long id = SslCtxCalls.SSL_CTX_get_ex_data(ctx, EX_INDEX).address();
            NativeSecureContext context = REGISTRY.get(id);
            if (context == null) {
                return 0; // no keys: no ticket issued, or the ticket is not ours
            }
            TicketKeySource source = context.ticketKeySource();
            MemorySegment name = keyName.reinterpret(16);
            MemorySegment ivSeg = iv.reinterpret(16);
            byte[] current = source.encryptionKey();
            byte[] keys = enc != 0 ? current : source.decryptionKey(name.toArray(ValueLayout.JAVA_BYTE));
            if (keys == null || keys.length != LENGTH) {
                return 0; // not one of our keys: decline the ticket, full handshake
            }
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment hmacKey = arena.allocateFrom(ValueLayout.JAVA_BYTE, Arrays.copyOfRange(keys, 16, 32));
                MemorySegment aesKey = arena.allocateFrom(ValueLayout.JAVA_BYTE, Arrays.copyOfRange(keys, 32, 48));
                if (enc != 0) {
                    MemorySegment.copy(keys, 0, name, ValueLayout.JAVA_BYTE, 0, 16);
                    if (TicketKeyCalls.RAND_bytes(ivSeg, 16) != 1
                            || TicketKeyCalls.EVP_EncryptInit_ex(cipherCtx, EvpCalls.EVP_aes_128_cbc(),
                                    MemorySegment.NULL, aesKey, ivSeg) != 1
                            || TicketKeyCalls.HMAC_Init_ex(hmacCtx, hmacKey, 16, EvpCalls.EVP_sha256(),
                                    MemorySegment.NULL) != 1) {
                        return -1;
                    }
                    return 1;
                }
                if (TicketKeyCalls.EVP_DecryptInit_ex(cipherCtx, EvpCalls.EVP_aes_128_cbc(),
                        MemorySegment.NULL, aesKey, ivSeg) != 1
                        || TicketKeyCalls.HMAC_Init_ex(hmacCtx, hmacKey, 16, EvpCalls.EVP_sha256(),
                                MemorySegment.NULL) != 1) {
                    return -1;
                }
                // 2: valid, but sealed with an older key: OpenSSL issues a fresh ticket.
                return Arrays.equals(keys, current) ? 1 : 2;
            }
        } catch (Throwable t) {
            return -1; // never unwind into OpenSSL
        }
    }
}
