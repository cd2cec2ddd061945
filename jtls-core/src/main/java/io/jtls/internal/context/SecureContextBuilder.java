package io.jtls.internal.context;

import io.jtls.context.Constants;
import io.jtls.context.PrivateKeyEntry;
import io.jtls.context.SecureContextOptions;
import io.jtls.error.TlsArgumentException;
import io.jtls.error.TlsException;
import io.jtls.error.TlsRangeException;
import io.jtls.internal.engine.ContextHooks;
import io.jtls.internal.engine.OptionalHook;
import io.jtls.internal.openssl.Bios;
import io.jtls.internal.openssl.ErrorQueue;
import io.jtls.internal.openssl.EvpPkeyCalls;
import io.jtls.internal.openssl.NativeHandle;
import io.jtls.internal.openssl.NativeKind;
import io.jtls.internal.openssl.OpenSslConfig;
import io.jtls.internal.openssl.PemCalls;
import io.jtls.internal.openssl.SslCtxCalls;
import io.jtls.internal.openssl.Types;
import io.jtls.internal.util.NodeInspect;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes a {@link NativeSecureContext} from {@link SecureContextOptions}, step for step as
 * Node's {@code createSecureContext} does ({@code lib/_tls_common.js} and
 * {@code configSecureContext} in {@code lib/internal/tls/secure-context.js}, over
 * {@code SecureContext::Init} and friends in {@code src/crypto/crypto_context.cc}), so that
 * the first bad option raises the same error Node raises first:
 * <ol>
 *   <li>protocol range: {@code secureProtocol} / {@code minVersion} / {@code maxVersion};</li>
 *   <li>the {@code SSL_CTX} with Node's defaults ({@link #init}), then {@code secureOptions}
 *       (plus {@code SSL_OP_CIPHER_SERVER_PREFERENCE} for {@code honorCipherOrder});</li>
 *   <li>{@code ca} (or the default roots) before {@code cert}, so that the certificate's issuer
 *       can be found in the store; {@code key} after {@code cert}, so that OpenSSL checks the
 *       key against the certificate of its type;</li>
 *   <li>{@code sigalgs}, engine key, {@code ciphers}, {@code ecdhCurve}, {@code dhparam},
 *       {@code crl}, {@code sessionIdContext}, {@code pfx}, {@code clientCertEngine},
 *       {@code ticketKeys}, {@code sessionTimeout};</li>
 *   <li>then the build ends: certificate chains are built once ({@link CertificateChains}) and
 *       the context is frozen ({@link NativeSecureContext#freeze()}): nothing configures it
 *       again, whoever uses it.</li>
 * </ol>
 * On any failure everything made so far is freed.
 */
final class SecureContextBuilder {
    private SecureContextBuilder() {}

    private static final System.Logger LOG = System.getLogger("io.jtls");

    /** {@code # define EVP_PKEY_DH NID_dhKeyAgreement} (28) */
    private static final int EVP_PKEY_DH = 28;
    /** {@code # define EVP_PKEY_DHX NID_dhpublicnumber} (920): X9.42 parameters. */
    private static final int EVP_PKEY_DHX = 920;

    static NativeSecureContext build(SecureContextOptions options, Set<OptionalHook> hooks) {
        long secureOptions = options.secureOptions();
        if (Boolean.TRUE.equals(options.honorCipherOrder())) {
            secureOptions |= Constants.SSL_OP_CIPHER_SERVER_PREFERENCE;
        }
        ProtocolVersions versions = ProtocolVersions.resolve(options.secureProtocol(),
                options.minVersion(), options.maxVersion());
        NativeSecureContext context = init(versions, hooks);
        try {
            MemorySegment ctx = context.configurable();
            if (secureOptions != 0) {
                SslCtxCalls.SSL_CTX_set_options(ctx, secureOptions);
            }
            int caCertificates = configure(context, ctx, options);
            HopelessOptions.warn(options, versions, caCertificates);
            CertificateChains.prebuild(ctx);
            context.freeze();
            return context;
        } catch (RuntimeException | Error e) {
            context.close();
            throw e;
        }
    }

    /**
     * Node's {@code SecureContext::Init}: the {@code SSL_CTX} for the method; SSLv2/SSLv3 off;
     * client renegotiation allowed (Node limits it itself, {@code CLIENT_RENEG_LIMIT}); automatic
     * chain building on; the session cache in client and server mode without OpenSSL's internal
     * store (Node's {@code newSession}/{@code resumeSession} events are the store); the protocol
     * range; the ticket key callback with 48 random bytes; and every connection hook
     * ({@link ContextHooks}), installed once here and never again. jtls adds
     * {@code SSL_MODE_RELEASE_BUFFERS}: idle connections give their record buffers back.
     */
    private static NativeSecureContext init(ProtocolVersions versions, Set<OptionalHook> hooks) {
        ErrorQueue.clear();
        MemorySegment raw = SslCtxCalls.SSL_CTX_new(versions.method());
        if (Types.isNull(raw)) {
            throw ErrorQueue.exception("SSL_CTX_new", "ERR_OSSL_MALLOC_FAILURE");
        }
        // The ticket key table's id goes when the SSL_CTX is freed, by close or by the Cleaner.
        AtomicInteger ticketKeysId = new AtomicInteger();
        NativeSecureContext context = new NativeSecureContext(NativeHandle.own(NativeKind.SSL_CTX, raw,
                () -> TicketKeys.forget(ticketKeysId.get())));
        try {
            MemorySegment ctx = context.configurable();
            if (OpenSslConfig.pinsSecurityLevel()) {
                // Node's bundled OpenSSL's level, not the distribution's compiled-in one; set
                // before the cipher list, so that a ciphers option with @SECLEVEL=n still wins.
                SslCtxCalls.SSL_CTX_set_security_level(ctx, OpenSslConfig.NODE_SECURITY_LEVEL);
            }
            SslCtxCalls.SSL_CTX_set_options(ctx, Constants.SSL_OP_NO_SSLv2 | Constants.SSL_OP_NO_SSLv3
                    | Constants.SSL_OP_ALLOW_CLIENT_RENEGOTIATION);
            SslCtxCalls.SSL_CTX_clear_mode(ctx, SslCtxCalls.SSL_MODE_NO_AUTO_CHAIN);
            SslCtxCalls.SSL_CTX_set_mode(ctx, SslCtxCalls.SSL_MODE_RELEASE_BUFFERS);
            SslCtxCalls.SSL_CTX_set_session_cache_mode(ctx, SslCtxCalls.SSL_SESS_CACHE_CLIENT
                    | SslCtxCalls.SSL_SESS_CACHE_SERVER | SslCtxCalls.SSL_SESS_CACHE_NO_INTERNAL
                    | SslCtxCalls.SSL_SESS_CACHE_NO_AUTO_CLEAR);
            SslCtxCalls.SSL_CTX_set_min_proto_version(ctx, versions.min());
            SslCtxCalls.SSL_CTX_set_max_proto_version(ctx, versions.max());
            ticketKeysId.set(TicketKeys.install(context, ctx));
            ContextHooks.install(ctx, hooks);
            context.hooks(hooks);
            ErrorQueue.clear();
            return context;
        } catch (RuntimeException | Error e) {
            context.close();
            throw e;
        }
    }

    /** Applies the options in Node's order; returns how many certificates {@code ca} held. */
    private static int configure(NativeSecureContext context, MemorySegment ctx, SecureContextOptions o) {
        int caCertificates = 0;
        if (o.ca() != null) {
            for (byte[] ca : o.ca()) {
                try {
                    caCertificates += TrustStore.addCaCertificates(ctx, ca);
                } catch (TlsException e) {
                    throw OptionErrors.annotate(e, OptionErrors.where(o, "options.ca"), null);
                }
            }
        } else {
            TrustStore.useRootStore(ctx);
        }

        if (o.cert() != null) {
            for (byte[] cert : o.cert()) {
                try {
                    context.identity(KeyMaterial.useCertificateChain(ctx, cert));
                } catch (TlsException e) {
                    throw OptionErrors.annotate(e, OptionErrors.where(o, "options.cert"), OptionErrors.certHint(cert));
                }
            }
        }

        List<SecureContextOptions.KeyPem> keys = o.key();
        if (keys != null) {
            for (SecureContextOptions.KeyPem key : keys) {
                String passphrase = key.passphrase() != null ? key.passphrase() : o.passphrase();
                try {
                    KeyMaterial.usePrivateKey(ctx, key.pem(), passphrase);
                } catch (TlsException e) {
                    throw OptionErrors.annotate(e, OptionErrors.where(o, "options.key"),
                            OptionErrors.keyHint(e, key.pem(), passphrase));
                }
            }
        }

        if (o.keyEntries() != null) {
            for (PrivateKeyEntry entry : o.keyEntries()) {
                try {
                    context.identity(JavaKeyMaterial.use(ctx, entry));
                } catch (TlsException e) {
                    throw OptionErrors.annotate(e, "options.keyEntries", entry.toString());
                }
            }
        }

        if (o.sigalgs() != null) {
            if (o.sigalgs().isEmpty()) {
                throw invalidProperty("options.sigalgs", "''");
            }
            try (Arena arena = Arena.ofConfined()) {
                ErrorQueue.clear();
                if (SslCtxCalls.SSL_CTX_set1_sigalgs_list(ctx, arena.allocateFrom(o.sigalgs())) != 1) {
                    throw OptionErrors.annotate(
                            ErrorQueue.exception("SSL_CTX_set1_sigalgs_list", "ERR_CRYPTO_OPERATION_FAILED"),
                            "options.sigalgs", "'" + o.sigalgs() + "' is not a list of signature algorithms OpenSSL knows");
                }
            }
        }

        if (o.privateKeyIdentifier() != null) {
            if (o.privateKeyEngine() == null) {
                throw invalidProperty("options.privateKeyEngine", "undefined");
            }
            if (keys != null && !keys.isEmpty()) {
                throw invalidProperty("options.privateKeyIdentifier", NodeInspect.argValue(o.privateKeyIdentifier()));
            }
            context.privateKeyEngine(Engines.usePrivateKey(ctx, o.privateKeyIdentifier(), o.privateKeyEngine()));
        }

        try {
            CipherList.split(o.ciphers()).applyTo(ctx);
        } catch (TlsException e) {
            throw OptionErrors.annotate(e, "options.ciphers", o.ciphers() == null || o.ciphers().isEmpty()
                    ? "the default list (" + Defaults.CIPHERS + ") matches no cipher"
                    : "no cipher of '" + o.ciphers() + "' is known to OpenSSL");
        }

        setEcdhCurve(ctx, o.ecdhCurve() == null ? Defaults.ECDH_CURVE : o.ecdhCurve());

        if (o.dhparam() != null) {
            setDhParam(ctx, o.dhparam());
        }

        if (o.crl() != null) {
            for (byte[] crl : o.crl()) {
                TrustStore.addCrl(ctx, crl);
            }
        }

        if (o.allowPartialTrustChain()) {
            TrustStore.allowPartialTrustChain(ctx);
        }

        if (o.sessionIdContext() != null) {
            setSessionIdContext(ctx, o.sessionIdContext());
        }

        if (o.pfx() != null) {
            for (SecureContextOptions.Pfx pfx : o.pfx()) {
                // Node: `val.passphrase || passphrase`: an empty passphrase falls back too.
                String passphrase = pfx.passphrase() != null && !pfx.passphrase().isEmpty()
                        ? pfx.passphrase() : o.passphrase();
                try {
                    context.identity(KeyMaterial.loadPkcs12(ctx, pfx.buf(), passphrase));
                } catch (TlsException e) {
                    throw OptionErrors.annotate(e, OptionErrors.where(o, "options.pfx"),
                            OptionErrors.pfxHint(e, passphrase));
                }
            }
        }

        if (o.clientCertEngine() != null) {
            Engines.setClientCertEngine(ctx, o.clientCertEngine());
        }

        if (o.ticketKeys() != null) {
            context.ticketKeys(TicketKeys.validate(o.ticketKeys(), "options.ticketKeys"));
        }

        if (o.sessionTimeout() != null) {
            int timeout = o.sessionTimeout();
            if (timeout < 0) {
                throw new TlsRangeException("ERR_OUT_OF_RANGE", "The value of \"options.sessionTimeout\" is out of range."
                        + " It must be >= 0 && <= 2147483647. Received " + timeout);
            }
            SslCtxCalls.SSL_CTX_set_timeout(ctx, timeout);
        }
        ErrorQueue.clear();
        return caCertificates;
    }

    /**
     * Node's {@code SetECDHCurve}: {@code auto} keeps OpenSSL's default groups; anything else is
     * {@code SSL_CTX_set1_curves_list}, and an unknown name is
     * {@code ERR_CRYPTO_OPERATION_FAILED} "Failed to set ECDH curve".
     */
    private static void setEcdhCurve(MemorySegment ctx, String curve) {
        if (curve.equals("auto")) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            ErrorQueue.clear();
            if (SslCtxCalls.SSL_CTX_set1_groups_list(ctx, arena.allocateFrom(curve)) != 1) {
                ErrorQueue.clear();
                throw new TlsException("ERR_CRYPTO_OPERATION_FAILED", "Failed to set ECDH curve; options.ecdhCurve: "
                        + unknownCurves(ctx, arena, curve));
            }
        }
    }

    /** Which names of a rejected curve list OpenSSL does not know, each tried alone (the context is discarded). */
    private static String unknownCurves(MemorySegment ctx, Arena arena, String curves) {
        List<String> unknown = new java.util.ArrayList<>();
        for (String name : curves.split(":", -1)) {
            if (name.isEmpty() || SslCtxCalls.SSL_CTX_set1_groups_list(ctx, arena.allocateFrom(name)) != 1) {
                unknown.add("'" + name + "'");
            }
        }
        ErrorQueue.clear();
        return unknown.isEmpty() ? "'" + curves + "' is not a usable list of curves"
                : "unknown curve " + String.join(", ", unknown) + (curves.indexOf(':') < 0 ? "" : " (in '" + curves + "')");
    }

    /**
     * Node's {@code SetDHParam}: PEM DH parameters of at least 1024 bits (else
     * {@code ERR_INVALID_ARG_VALUE} "DH parameter is less than 1024 bits"; under 2048 bits Node's
     * {@code SecurityWarning} is logged); parameters that do not parse are silently ignored and
     * DHE stays off. {@code auto} turns on OpenSSL's built-in groups
     * ({@code SSL_CTX_set_dh_auto}), as newer Node versions do.
     */
    private static void setDhParam(MemorySegment ctx, byte[] dhparam) {
        if (new String(dhparam, StandardCharsets.ISO_8859_1).equals("auto")) {
            SslCtxCalls.SSL_CTX_set_dh_auto(ctx, 1);
            return;
        }
        try (NativeHandle bio = Bios.of(dhparam)) {
            ErrorQueue.clear();
            MemorySegment raw = PemCalls.PEM_read_bio_Parameters(bio.get(), MemorySegment.NULL);
            if (Types.isNull(raw)) {
                ErrorQueue.clear();
                return; // Node: "If omitted or invalid, the parameters are silently discarded"
            }
            try (NativeHandle params = NativeHandle.own(NativeKind.EVP_PKEY, raw)) {
                int type = EvpPkeyCalls.EVP_PKEY_get_base_id(params.get());
                if (type != EVP_PKEY_DH && type != EVP_PKEY_DHX) {
                    return; // some other kind of parameters (EC): not DH, discarded like bad PEM
                }
                int bits = EvpPkeyCalls.EVP_PKEY_get_bits(params.get());
                if (bits < 1024) {
                    throw new TlsArgumentException("ERR_INVALID_ARG_VALUE", "DH parameter is less than 1024 bits");
                }
                if (bits < 2048) {
                    LOG.log(System.Logger.Level.WARNING, "SecurityWarning: DH parameter is less than 2048 bits");
                }
                ErrorQueue.clear();
                if (SslCtxCalls.SSL_CTX_set0_tmp_dh_pkey(ctx, params.get()) != 1) {
                    ErrorQueue.clear();
                    throw new TlsException("ERR_CRYPTO_OPERATION_FAILED", "Error setting temp DH parameter");
                }
                params.release(); // set0: the SSL_CTX owns the parameters now
            }
        } finally {
            ErrorQueue.clear();
        }
    }

    /**
     * Node's {@code SetSessionIdContext}: the UTF-8 bytes; more than 32 bytes is OpenSSL's
     * {@code ssl session id context too long}.
     */
    private static void setSessionIdContext(MemorySegment ctx, String sessionIdContext) {
        byte[] bytes = sessionIdContext.getBytes(StandardCharsets.UTF_8);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(Math.max(1, bytes.length));
            MemorySegment.copy(bytes, 0, data, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, bytes.length);
            ErrorQueue.clear();
            if (SslCtxCalls.SSL_CTX_set_session_id_context(ctx, data, bytes.length) != 1) {
                throw ErrorQueue.exception("SSL_CTX_set_session_id_context",
                        "ERR_SSL_SSL_SESSION_ID_CONTEXT_TOO_LONG");
            }
        }
    }

    /** Node's {@code ERR_INVALID_ARG_VALUE} for an object property. */
    private static TlsArgumentException invalidProperty(String name, String received) {
        return new TlsArgumentException("ERR_INVALID_ARG_VALUE",
                "The property '" + name + "' is invalid. Received " + received);
    }
}
