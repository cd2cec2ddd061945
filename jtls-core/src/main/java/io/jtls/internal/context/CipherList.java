package io.jtls.internal.context;

import io.jtls.error.TlsArgumentException;
import io.jtls.internal.openssl.ErrCalls;
import io.jtls.internal.openssl.ErrorQueue;
import io.jtls.internal.openssl.NativeHandle;
import io.jtls.internal.openssl.NativeKind;
import io.jtls.internal.openssl.OpenSslConfig;
import io.jtls.internal.openssl.SslCalls;
import io.jtls.internal.openssl.SslCtxCalls;
import io.jtls.internal.openssl.StackCalls;
import io.jtls.internal.openssl.Types;
import io.jtls.internal.util.NodeInspect;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Node's cipher handling: one cipher string split into its TLS 1.3 part and the rest
 * ({@code processCiphers} in {@code lib/internal/tls/secure-context.js}), applied with the two
 * OpenSSL calls that each understand only one part, and Node's {@code tls.getCiphers()}.
 *
 * @param cipherList   the TLS 1.2-and-below names, for {@code SSL_CTX_set_cipher_list}
 * @param cipherSuites the TLS 1.3 names ({@code TLS_*}), for {@code SSL_CTX_set_ciphersuites}
 */
record CipherList(String cipherList, String cipherSuites) {
    /** {@code # define SSL_R_NO_CIPHER_MATCH 185} */
    private static final int SSL_R_NO_CIPHER_MATCH = 185;

    /**
     * OpenSSL 3's TLS 1.3 suites. Node adds them to {@code getCiphers()} by hand (lower-cased)
     * because the default {@code SSL} only lists the enabled ones.
     */
    private static final List<String> TLS13_CIPHERS = List.of("tls_aes_256_gcm_sha384",
            "tls_chacha20_poly1305_sha256", "tls_aes_128_gcm_sha256", "tls_aes_128_ccm_8_sha256",
            "tls_aes_128_ccm_sha256");

    private static volatile List<String> supported;

    /**
     * Splits on {@code ':'} as Node does: entries starting with {@code TLS_} are TLS 1.3 suites.
     * A null or empty string means {@link Tls#DEFAULT_CIPHERS}; a string with no names at all
     * (such as {@code ":"}) is {@code ERR_INVALID_ARG_VALUE}, since no handshake could succeed.
     */
    static CipherList split(String ciphers) {
        String spec = ciphers == null || ciphers.isEmpty() ? Defaults.CIPHERS : ciphers;
        List<String> list = new ArrayList<>();
        List<String> suites = new ArrayList<>();
        for (String name : spec.split(":", -1)) {
            if (name.isEmpty()) {
                continue;
            }
            (name.startsWith("TLS_") ? suites : list).add(name);
        }
        if (list.isEmpty() && suites.isEmpty()) {
            throw new TlsArgumentException("ERR_INVALID_ARG_VALUE",
                    "The property 'options.ciphers' is invalid. Received "
                    + NodeInspect.argValue(List.of(spec.split(":", -1)))); // Node prints the split array
        }
        return new CipherList(String.join(":", list), String.join(":", suites));
    }

    /**
     * Node's {@code setCipherSuites} (only when there are TLS 1.3 names: otherwise OpenSSL's
     * TLS 1.3 defaults stay), then {@code setCiphers}. An empty TLS 1.2 list is allowed (it
     * clears the TLS 1.2 ciphers) and then raises the minimum version to TLS 1.3, as Node does.
     */
    void applyTo(MemorySegment ctx) {
        try (Arena arena = Arena.ofConfined()) {
            if (!cipherSuites.isEmpty()) {
                ErrorQueue.clear();
                if (SslCtxCalls.SSL_CTX_set_ciphersuites(ctx, arena.allocateFrom(cipherSuites)) != 1) {
                    throw ErrorQueue.exception("SSL_CTX_set_ciphersuites", "ERR_SSL_NO_CIPHER_MATCH");
                }
            }
            ErrorQueue.clear();
            if (SslCtxCalls.SSL_CTX_set_cipher_list(ctx, arena.allocateFrom(cipherList)) != 1) {
                boolean clearedOnPurpose = cipherList.isEmpty()
                        && ErrCalls.ERR_GET_REASON(ErrCalls.ERR_peek_error()) == SSL_R_NO_CIPHER_MATCH;
                if (!clearedOnPurpose) {
                    throw ErrorQueue.exception("SSL_CTX_set_cipher_list", "ERR_SSL_NO_CIPHER_MATCH");
                }
                ErrorQueue.clear();
            }
        }
        if (cipherList.isEmpty()
                && SslCtxCalls.SSL_CTX_get_min_proto_version(ctx) < SslCtxCalls.TLS1_3_VERSION
                && SslCtxCalls.SSL_CTX_get_max_proto_version(ctx) > SslCtxCalls.TLS1_2_VERSION) {
            SslCtxCalls.SSL_CTX_set_min_proto_version(ctx, SslCtxCalls.TLS1_3_VERSION);
        }
    }

    /**
     * Node's {@code tls.getCiphers()}: the cipher names of an {@code SSL} made from a default
     * {@code TLS_method} context, plus the TLS 1.3 suites, lower-cased, without duplicates,
     * sorted. Computed once.
     */
    static List<String> supportedCiphers() {
        List<String> result = supported;
        if (result == null) {
            TreeSet<String> names = new TreeSet<>(TLS13_CIPHERS);
            for (String name : cipherNames(null)) {
                names.add(name.toLowerCase(Locale.ROOT));
            }
            result = List.copyOf(names);
            supported = result;
        }
        return result;
    }

    /**
     * The names, in preference order, of the ciphers an {@code SSL} made from {@code ctx} would
     * offer ({@code SSL_get_ciphers}); a default context when {@code ctx} is null.
     */
    static List<String> cipherNames(MemorySegment ctx) {
        NativeHandle ownCtx = null;
        try {
            MemorySegment c = ctx;
            if (c == null) {
                ErrorQueue.clear();
                MemorySegment fresh = SslCtxCalls.SSL_CTX_new(SslCtxCalls.TLS_method());
                if (Types.isNull(fresh)) {
                    throw ErrorQueue.exception("SSL_CTX_new", "ERR_OSSL_MALLOC_FAILURE");
                }
                ownCtx = NativeHandle.own(NativeKind.SSL_CTX, fresh);
                if (OpenSslConfig.pinsSecurityLevel()) {
                    SslCtxCalls.SSL_CTX_set_security_level(fresh, OpenSslConfig.NODE_SECURITY_LEVEL); // as every context
                }
                c = fresh;
            }
            ErrorQueue.clear();
            MemorySegment ssl = SslCalls.SSL_new(c);
            if (Types.isNull(ssl)) {
                throw ErrorQueue.exception("SSL_new", "ERR_OSSL_MALLOC_FAILURE");
            }
            try (NativeHandle sslHandle = NativeHandle.own(NativeKind.SSL, ssl)) {
                MemorySegment stack = SslCtxCalls.SSL_get_ciphers(sslHandle.get()); // borrowed
                List<String> names = new ArrayList<>();
                int n = Types.isNull(stack) ? 0 : StackCalls.OPENSSL_sk_num(stack);
                for (int i = 0; i < n; i++) {
                    names.add(Types.cString(SslCalls.SSL_CIPHER_get_name(StackCalls.OPENSSL_sk_value(stack, i))));
                }
                return names;
            }
        } finally {
            if (ownCtx != null) {
                ownCtx.close();
            }
        }
    }
}
