package io.jtls.internal.context;

import static io.jtls.internal.openssl.Types.C_INT;
import static io.jtls.internal.openssl.Types.C_POINTER;

import io.jtls.error.TlsArgumentException;
import io.jtls.internal.openssl.ErrorQueue;
import io.jtls.internal.openssl.SslCalls;
import io.jtls.internal.openssl.SslCtxCalls;
import io.jtls.internal.openssl.TicketKeyCalls;
import io.jtls.internal.openssl.Types;
import io.jtls.internal.util.WeakIdTable;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Session ticket keys, Node's way: 48 bytes (a 16-byte key name, a 16-byte HMAC-SHA256 key and
 * a 16-byte AES-128-CBC key) per context, random unless {@code ticketKeys} sets them, used by a
 * ticket key callback on the {@code SSL_CTX} (Node's {@code TicketKeyCallback}). Keeping Node's
 * format means a Node server and a jtls server given the same {@code ticketKeys} accept each
 * other's tickets. The keys come from the context's {@link TicketKeySource}, so a rotating key
 * ring can replace the single key.
 *
 * <p>The callback is {@code SSL_CTX_set_tlsext_ticket_key_evp_cb}'s (OpenSSL 3's, not the
 * deprecated {@code HMAC_CTX} one): the cipher is fetched once per process, and the MAC context
 * OpenSSL hands over is keyed through {@code EVP_MAC_CTX_set_params}. It finds its context
 * through the {@code SSL_CTX}'s ex_data, an id in a weak table ({@link WeakIdTable}) that never
 * pins a context; the id goes when the {@code SSL_CTX} is freed. A callback that finds nothing
 * declines the ticket (full handshake) rather than failing. The context is the one the
 * connection was made from: SNI never changes it, so one server's tickets are sealed and opened
 * with one set of keys whatever name the client asked for.
 */
final class TicketKeys {
    private TicketKeys() {}

    static final int LENGTH = 48;

    private static final WeakIdTable<NativeSecureContext> CONTEXTS = new WeakIdTable<>();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int EX_INDEX = SslCtxCalls.SSL_CTX_get_ex_new_index(0, MemorySegment.NULL,
            MemorySegment.NULL, MemorySegment.NULL, MemorySegment.NULL);

    /** AES-128-CBC, fetched once: the callback runs on every ticket sealed or opened. */
    private static final MemorySegment AES_128_CBC = fetchCipher();

    /**
     * {@code int cb(SSL *s, unsigned char key_name[16], unsigned char iv[EVP_MAX_IV_LENGTH],
     * EVP_CIPHER_CTX *ctx, EVP_MAC_CTX *hctx, int enc)}
     */
    private static final MemorySegment CALLBACK = Upcalls.stub(MethodHandles.lookup(), "ticketKeyCallback",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_INT));

    /** 48 fresh random bytes. */
    static byte[] random() {
        byte[] keys = new byte[LENGTH];
        RANDOM.nextBytes(keys);
        return keys;
    }

    /**
     * Registers the context and installs the callback on its {@code SSL_CTX}, while it is built.
     *
     * @return the id, for {@link #forget(int)} once the {@code SSL_CTX} is freed
     */
    static int install(NativeSecureContext context, MemorySegment ctx) {
        int id = CONTEXTS.add(context);
        ErrorQueue.clear();
        if (SslCtxCalls.SSL_CTX_set_ex_data(ctx, EX_INDEX, MemorySegment.ofAddress(id)) != 1
                || SslCtxCalls.SSL_CTX_set_tlsext_ticket_key_evp_cb(ctx, CALLBACK) != 1) {
            CONTEXTS.remove(id);
            throw ErrorQueue.exception("SSL_CTX_set_tlsext_ticket_key_evp_cb", "ERR_OSSL_MALLOC_FAILURE");
        }
        return id;
    }

    /** Forgets a context whose {@code SSL_CTX} was freed. */
    static void forget(int id) {
        CONTEXTS.remove(id);
    }

    /** Contexts registered now (for tests: it must return to its start value). */
    static int liveCount() {
        return CONTEXTS.liveCount();
    }

    /** Node's {@code ticketKeys} check: exactly 48 bytes. */
    static byte[] validate(byte[] keys, String name) {
        if (keys.length != LENGTH) {
            throw new TlsArgumentException("ERR_INVALID_ARG_VALUE",
                    "The property '" + name + "' must be exactly 48 bytes. Received " + keys.length);
        }
        return keys.clone();
    }

    private static MemorySegment fetchCipher() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cipher = TicketKeyCalls.EVP_CIPHER_fetch(MemorySegment.NULL, arena.allocateFrom("AES-128-CBC"),
                    MemorySegment.NULL);
            if (Types.isNull(cipher)) {
                throw ErrorQueue.exception("EVP_CIPHER_fetch", "ERR_OSSL_EVP_UNSUPPORTED");
            }
            return cipher; // kept for the life of the process
        }
    }

    @SuppressWarnings("unused") // called by OpenSSL through CALLBACK
    private static int ticketKeyCallback(MemorySegment ssl, MemorySegment keyName, MemorySegment iv,
                                         MemorySegment cipherCtx, MemorySegment macCtx, int enc) {
        try {
            MemorySegment ctx = SslCalls.SSL_get_SSL_CTX(ssl);
            long id = SslCtxCalls.SSL_CTX_get_ex_data(ctx, EX_INDEX).address();
            NativeSecureContext context = CONTEXTS.lookup(id);
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
            // The AES and HMAC keys go into this thread's scratch segment, wiped before OpenSSL
            // continues: no key material stays in native memory after the callback, and no
            // arena, malloc or parameter array is made per ticket (the constant parts of the
            // OSSL_PARAM array are written once per thread).
            MemorySegment scratch = SCRATCH.get();
            MemorySegment aesKey = scratch.asSlice(AES_KEY_OFFSET, 16);
            try {
                MemorySegment.copy(keys, 32, aesKey, ValueLayout.JAVA_BYTE, 0, 16);
                MemorySegment.copy(keys, 16, scratch, ValueLayout.JAVA_BYTE, HMAC_KEY_OFFSET, 16);
                MemorySegment macParams = scratch.asSlice(PARAMS_OFFSET, 3 * PARAM_SIZE);
                if (enc != 0) {
                    MemorySegment.copy(keys, 0, name, ValueLayout.JAVA_BYTE, 0, 16);
                    if (TicketKeyCalls.RAND_bytes(ivSeg, 16) != 1
                            || TicketKeyCalls.EVP_EncryptInit_ex(cipherCtx, AES_128_CBC, MemorySegment.NULL, aesKey, ivSeg) != 1
                            || TicketKeyCalls.EVP_MAC_CTX_set_params(macCtx, macParams) != 1) {
                        return -1;
                    }
                    return 1;
                }
                if (TicketKeyCalls.EVP_DecryptInit_ex(cipherCtx, AES_128_CBC, MemorySegment.NULL, aesKey, ivSeg) != 1
                        || TicketKeyCalls.EVP_MAC_CTX_set_params(macCtx, macParams) != 1) {
                    return -1;
                }
                // 2: valid, but sealed with an older key: OpenSSL issues a fresh ticket.
                return Arrays.equals(keys, current) ? 1 : 2;
            } finally {
                scratch.asSlice(0, KEYS_SIZE).fill((byte) 0);
            }
        } catch (Throwable t) {
            return -1; // never unwind into OpenSSL
        }
    }

    /** {@code struct ossl_param_st { const char *key; unsigned int data_type; void *data; size_t data_size; size_t return_size; }} */
    private static final long PARAM_SIZE = 40;
    /** {@code #define OSSL_PARAM_UTF8_STRING 4} */
    private static final int OSSL_PARAM_UTF8_STRING = 4;
    /** {@code #define OSSL_PARAM_OCTET_STRING 5} */
    private static final int OSSL_PARAM_OCTET_STRING = 5;
    /** {@code #define OSSL_PARAM_UNMODIFIED ((size_t)-1)} */
    private static final long OSSL_PARAM_UNMODIFIED = -1L;

    /** Scratch layout: the AES key, the HMAC key (wiped after each callback), then the OSSL_PARAM array. */
    private static final long AES_KEY_OFFSET = 0;
    private static final long HMAC_KEY_OFFSET = 16;
    private static final long KEYS_SIZE = 32;
    private static final long PARAMS_OFFSET = 32;
    /** The parameter names and the digest name, for the life of the process. */
    private static final MemorySegment KEY_NAME = Arena.global().allocateFrom("key");
    private static final MemorySegment DIGEST_NAME = Arena.global().allocateFrom("digest");
    private static final MemorySegment SHA256 = Arena.global().allocateFrom("SHA256");
    /** Per thread (callbacks run on the thread that drives the SSL, never nested); freed with the thread's entry. */
    private static final ThreadLocal<MemorySegment> SCRATCH = ThreadLocal.withInitial(() -> {
        MemorySegment scratch = Arena.ofAuto().allocate(PARAMS_OFFSET + 3 * PARAM_SIZE, 8); // zeroed: the third param is END
        macParams(scratch.asSlice(PARAMS_OFFSET, 3 * PARAM_SIZE), scratch.asSlice(HMAC_KEY_OFFSET, 16));
        return scratch;
    });

    /** Fills {@code params} with {@code {"key": hmacKey (16 bytes), "digest": "SHA256", END}} for the MAC. */
    private static void macParams(MemorySegment params, MemorySegment hmacKey) {
        param(params.asSlice(0, PARAM_SIZE), KEY_NAME, OSSL_PARAM_OCTET_STRING, hmacKey, 16);
        param(params.asSlice(PARAM_SIZE, PARAM_SIZE), DIGEST_NAME, OSSL_PARAM_UTF8_STRING, SHA256, 6);
    }

    private static void param(MemorySegment p, MemorySegment key, int type, MemorySegment data, long size) {
        p.set(ValueLayout.ADDRESS, 0, key);
        p.set(ValueLayout.JAVA_INT, 8, type);
        p.set(ValueLayout.ADDRESS, 16, data);
        p.set(ValueLayout.JAVA_LONG, 24, size);
        p.set(ValueLayout.JAVA_LONG, 32, OSSL_PARAM_UNMODIFIED);
    }
}
