package io.jtls.internal.engine;

import io.jtls.handshake.CipherInfo;
import io.jtls.handshake.EphemeralKeyInfo;
import io.jtls.internal.openssl.ErrorQueue;
import io.jtls.internal.openssl.EvpPkeyCalls;
import io.jtls.internal.openssl.NativeHandle;
import io.jtls.internal.openssl.NativeKind;
import io.jtls.internal.openssl.SslCalls;
import io.jtls.internal.openssl.Types;
import io.jtls.internal.openssl.X509FieldCalls;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads what a connection negotiated from its {@code SSL}, the way Node's TLSWrap getters
 * do ({@code src/crypto/crypto_tls.cc}, {@code crypto_common.cc}). Stateless: each method
 * takes the live {@code SSL *}; {@link TlsEngine} checks liveness first.
 */
final class NegotiatedParameters {
    private NegotiatedParameters() {}

    /** {@link CipherInfo} per {@code SSL_CIPHER} address (a handful of entries; read without locks). */
    private static final ConcurrentHashMap<Long, CipherInfo> CIPHERS = new ConcurrentHashMap<>();
    /** Longest Finished message: {@code EVP_MAX_MD_SIZE} (TLS 1.2's is 12 bytes, TLS 1.3's the hash length). */
    private static final int MAX_FINISHED = 64;

    /** {@code EVP_PKEY_DH} ({@code NID_dhKeyAgreement}, 28). */
    private static final int EVP_PKEY_DH = 28;
    /** {@code EVP_PKEY_X25519} ({@code NID_X25519}, 1034). */
    private static final int EVP_PKEY_X25519 = 1034;
    /** {@code EVP_PKEY_X448} ({@code NID_X448}, 1035). */
    private static final int EVP_PKEY_X448 = 1035;

    /** Node's {@code getProtocol()}: {@code SSL_get_version}, such as "TLSv1.3". */
    static String protocol(MemorySegment ssl) {
        return StaticStrings.of(SslCalls.SSL_get_version(ssl));
    }

    /** Node's {@code getCipher()}; null before a cipher is chosen (Node: undefined). */
    static CipherInfo cipher(MemorySegment ssl) {
        MemorySegment cipher = SslCalls.SSL_get_current_cipher(ssl);
        if (Types.isNull(cipher)) {
            return null;
        }
        // SSL_CIPHERs are libssl's static table: one CipherInfo per cipher for the process.
        CipherInfo known = CIPHERS.get(cipher.address());
        if (known != null) {
            return known;
        }
        CipherInfo info = new CipherInfo(Types.cString(SslCalls.SSL_CIPHER_get_name(cipher)),
                Types.cString(SslCalls.SSL_CIPHER_standard_name(cipher)),
                Types.cString(SslCalls.SSL_CIPHER_get_version(cipher)));
        CIPHERS.putIfAbsent(cipher.address(), info);
        return info;
    }

    /**
     * Node's {@code GetEphemeralKey} (client side): the peer's key-exchange key from
     * {@code SSL_get_peer_tmp_key}. ECDH reports the curve's short name
     * ({@code OBJ_nid2sn}: "X25519", "prime256v1"); DH only its size; anything else, or no
     * key, is Node's empty object ({@link EphemeralKeyInfo#NONE}).
     */
    static EphemeralKeyInfo ephemeralKey(MemorySegment ssl) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            ErrorQueue.clear();
            if (SslCalls.SSL_get_peer_tmp_key(ssl, out) != 1) {
                ErrorQueue.clear(); // "no key" leaves an error behind; Node returns {} and so do we
                return EphemeralKeyInfo.NONE;
            }
            // SSL_get_peer_tmp_key gives us a reference: own it, free it on the way out.
            try (NativeHandle key = NativeHandle.scoped(NativeKind.EVP_PKEY, out.get(ValueLayout.ADDRESS, 0))) {
                int id = EvpPkeyCalls.EVP_PKEY_get_id(key.get());
                int bits = EvpPkeyCalls.EVP_PKEY_get_bits(key.get());
                if (id == EVP_PKEY_DH) {
                    return new EphemeralKeyInfo("DH", null, bits);
                }
                if (id == EVP_PKEY_X25519 || id == EVP_PKEY_X448) {
                    return new EphemeralKeyInfo("ECDH", Types.cString(X509FieldCalls.OBJ_nid2sn(id)), bits);
                }
                if (id == EvpPkeyCalls.EVP_PKEY_EC) {
                    return new EphemeralKeyInfo("ECDH", ecGroupName(arena, key.get()), bits);
                }
                return EphemeralKeyInfo.NONE;
            }
        }
    }

    /** OpenSSL's {@code TLSEXT_nid_unknown}: set on a group id that has no NID. */
    private static final long NID_UNKNOWN_FLAG = 0x1000000;

    /**
     * The key exchange group ({@code SSL_get_negotiated_group}) by its {@code OBJ_nid2sn} name
     * ("X25519", "prime256v1", "ffdhe2048"), on either side, TLS 1.3 and TLS 1.2 (EC)DHE; a group
     * without a NID as its TLS code point ("0x11ec"); null when there was none.
     */
    static String negotiatedGroup(MemorySegment ssl) {
        long nid = SslCalls.SSL_get_negotiated_group(ssl);
        if (nid <= 0) {
            return null;
        }
        if ((nid & NID_UNKNOWN_FLAG) != 0) {
            return String.format("0x%04x", nid & 0xffff);
        }
        MemorySegment name = X509FieldCalls.OBJ_nid2sn((int) nid);
        return Types.isNull(name) ? null : Types.cString(name);
    }

    /** The EC group's name as {@code OBJ_nid2sn} spells it ("prime256v1", "secp384r1"). */
    private static String ecGroupName(Arena arena, MemorySegment pkey) {
        MemorySegment buf = arena.allocate(80);
        MemorySegment len = arena.allocate(ValueLayout.JAVA_LONG);
        MemorySegment key = arena.allocateFrom(EvpPkeyCalls.OSSL_PKEY_PARAM_GROUP_NAME);
        if (EvpPkeyCalls.EVP_PKEY_get_utf8_string_param(pkey, key, buf, buf.byteSize(), len) != 1) {
            ErrorQueue.clear();
            return null;
        }
        return buf.getString(0);
    }

    /** Node's {@code getFinished()}/{@code getPeerFinished()}: a copy, or null before any Finished. */
    static byte[] finished(MemorySegment ssl, boolean peer) {
        // One call into the engine's scratch buffer (the message is at most EVP_MAX_MD_SIZE
        // bytes): no probe call and no arena per handshake. OpenSSL returns the full length.
        MemorySegment buf = Scratch.get().buffer();
        long length = peer ? SslCalls.SSL_get_peer_finished(ssl, buf, MAX_FINISHED) : SslCalls.SSL_get_finished(ssl, buf, MAX_FINISHED);
        if (length == 0) {
            return null;
        }
        return buf.asSlice(0, Math.min(length, MAX_FINISHED)).toArray(ValueLayout.JAVA_BYTE);
    }

    /** Node's {@code alpnProtocol}: the selected protocol, or null where Node says {@code false}. */
    static String alpnProtocol(MemorySegment ssl) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(ValueLayout.ADDRESS);
            MemorySegment len = arena.allocate(ValueLayout.JAVA_INT);
            SslCalls.SSL_get0_alpn_selected(ssl, data, len);
            int n = len.get(ValueLayout.JAVA_INT, 0);
            if (n == 0) {
                return null;
            }
            return new String(Types.bytes(data.get(ValueLayout.ADDRESS, 0), n), StandardCharsets.ISO_8859_1);
        }
    }

    /** Node's {@code servername}: SNI sent (client) or received (server), or null where Node says {@code false}. */
    static String servername(MemorySegment ssl) {
        return Types.cString(SslCalls.SSL_get_servername(ssl, SslCalls.TLSEXT_NAMETYPE_host_name));
    }

    /**
     * Node's {@code VerifyPeerCertificate}: the verification result when the peer sent a
     * certificate; with no certificate, OK for PSK and for resumed TLS 1.3 sessions (which
     * look alike), otherwise {@code X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT} ("questionable but
     * compatible", says Node's source).
     */
    static long verifyResult(MemorySegment ssl) {
        if (!Types.isNull(SslCalls.SSL_get0_peer_certificate(ssl))) {
            return SslCalls.SSL_get_verify_result(ssl);
        }
        MemorySegment cipher = SslCalls.SSL_get_current_cipher(ssl);
        if (!Types.isNull(cipher) && SslCalls.SSL_CIPHER_get_auth_nid(cipher) == SslCalls.NID_auth_psk) {
            return VerifyErrors.X509_V_OK;
        }
        MemorySegment session = SslCalls.SSL_get_session(ssl);
        if (!Types.isNull(session)
                && SslCalls.SSL_SESSION_get_protocol_version(session) == SslCalls.TLS1_3_VERSION
                && SslCalls.SSL_session_reused(ssl) == 1) {
            return VerifyErrors.X509_V_OK;
        }
        return VerifyErrors.X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT;
    }

    /** {@code SSL_export_keying_material} (RFC 5705); a null context means none. */
    static byte[] exportKeyingMaterial(MemorySegment ssl, int length, String label, byte[] context) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(Math.max(1, length));
            byte[] labelBytes = label.getBytes(StandardCharsets.UTF_8);
            MemorySegment labelSeg = arena.allocateFrom(ValueLayout.JAVA_BYTE, labelBytes);
            MemorySegment contextSeg = context == null ? MemorySegment.NULL
                    : arena.allocateFrom(ValueLayout.JAVA_BYTE, context.length == 0 ? new byte[1] : context);
            ErrorQueue.clear();
            if (SslCalls.SSL_export_keying_material(ssl, out, length, labelSeg, labelBytes.length, contextSeg,
                    context == null ? 0 : context.length, context == null ? 0 : 1) != 1) {
                throw ErrorQueue.exception("SSL_export_keying_material", "ERR_CRYPTO_OPERATION_FAILED");
            }
            return out.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE);
        }
    }
}
