package io.jtls.context;

import io.jtls.error.TlsArgumentException;
import io.jtls.error.TlsException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The options of Node's {@code tls.createSecureContext([options])}, one component per Node
 * property, with Node's name in camelCase.
 *
 * <p>Absent values are {@code null} (Node's {@code undefined}); each accessor says what an
 * absent value means. Node checks option values when the context is made, not when the options
 * object is built, and so does jtls: {@link io.jtls.Tls#createSecureContext(SecureContextOptions)}
 * raises Node's error in the order Node raises them: a {@link io.jtls.error.TlsArgumentException}
 * where Node throws a TypeError or RangeError ({@code ERR_INVALID_ARG_VALUE},
 * {@code ERR_OUT_OF_RANGE}, {@code ERR_TLS_INVALID_PROTOCOL_VERSION}, ...), an
 * {@link io.jtls.error.OpenSslException} for bad PEM, and so on. The builder only rejects what Java's types cannot: {@code null}
 * entries in lists ({@code ERR_INVALID_ARG_TYPE}).
 *
 * <p>Options that Node accepts although no handshake can succeed with them are accepted too
 * (parity), and logged in one WARNING line ({@code io.jtls} logger) naming them when the
 * context is built: {@code cert} without {@code key}, {@code minVersion} above
 * {@code maxVersion}, a {@code ca} holding no certificate (a server with no identity at all is
 * logged when it listens). Rejected options are named in the error's message, after Node's
 * text: {@code ...bad decrypt; options.key (server-key.pem): encrypted private key and no
 * passphrase}.
 *
 * <p>Where Node accepts {@code string|Buffer|Array} a PEM value may be given as a
 * {@link String}, as bytes, as a {@link Path} (read when the builder method is called: a file
 * that cannot be read is a {@link TlsException} with Node's code, {@code ENOENT} for a missing
 * one, and error messages about the option name the file: {@link #files()}), or as a
 * list of those. Byte arrays are copied in and out: the record is immutable and may be shared
 * between threads. Other option records ({@code TlsServerOptions}, {@code TlsConnectOptions})
 * contain one of these for their context part; {@link #toBuilder()} derives variants.
 *
 * @param ca                   {@link #ca()}
 * @param cert                 {@link #cert()}
 * @param key                  {@link #key()}
 * @param passphrase           {@link #passphrase()}
 * @param pfx                  {@link #pfx()}
 * @param ciphers              {@link #ciphers()}
 * @param crl                  {@link #crl()}
 * @param dhparam              {@link #dhparam()}
 * @param ecdhCurve            {@link #ecdhCurve()}
 * @param honorCipherOrder     {@link #honorCipherOrder()}
 * @param minVersion           {@link #minVersion()}
 * @param maxVersion           {@link #maxVersion()}
 * @param secureOptions        {@link #secureOptions()}
 * @param secureProtocol       {@link #secureProtocol()}
 * @param sessionIdContext     {@link #sessionIdContext()}
 * @param sessionTimeout       {@link #sessionTimeout()}
 * @param ticketKeys           {@link #ticketKeys()}
 * @param sigalgs              {@link #sigalgs()}
 * @param clientCertEngine     {@link #clientCertEngine()}
 * @param privateKeyEngine     {@link #privateKeyEngine()}
 * @param privateKeyIdentifier {@link #privateKeyIdentifier()}
 * @param allowPartialTrustChain {@link #allowPartialTrustChain()}
 * @param files                {@link #files()}
 * @param keyEntries           {@link #keyEntries()}
 */
public record SecureContextOptions(
        List<byte[]> ca,
        List<byte[]> cert,
        List<KeyPem> key,
        String passphrase,
        List<Pfx> pfx,
        String ciphers,
        List<byte[]> crl,
        byte[] dhparam,
        String ecdhCurve,
        Boolean honorCipherOrder,
        String minVersion,
        String maxVersion,
        long secureOptions,
        String secureProtocol,
        String sessionIdContext,
        Integer sessionTimeout,
        byte[] ticketKeys,
        String sigalgs,
        String clientCertEngine,
        String privateKeyEngine,
        String privateKeyIdentifier,
        boolean allowPartialTrustChain,
        Map<String, String> files,
        List<PrivateKeyEntry> keyEntries) {

    /** Options with every value absent: what {@link io.jtls.Tls#createSecureContext()} uses. */
    public static final SecureContextOptions DEFAULTS = builder().build();

    /**
     * Node's {@code {pem, passphrase}} entry of the {@code key} array: one private key in PEM
     * (PKCS#8, encrypted PKCS#8, PKCS#1 {@code RSA PRIVATE KEY}, SEC1 {@code EC PRIVATE KEY},
     * traditional encrypted), and the passphrase that decrypts it.
     *
     * @param pem        the PEM text as bytes
     * @param passphrase null to use {@link SecureContextOptions#passphrase()}, as Node does
     */
    public record KeyPem(byte[] pem, String passphrase) {
        /** Checks and keeps the values. */
        public KeyPem {
            Objects.requireNonNull(pem, "pem");
            pem = pem.clone();
        }

        /**
         * A key in PEM text.
         *
         * @param pem the PEM text
         * @param passphrase the passphrase, or null for none
         */
        public KeyPem(String pem, String passphrase) {
            this(Objects.requireNonNull(pem, "pem").getBytes(StandardCharsets.UTF_8), passphrase);
        }

        /**
         * The pem.
         *
         * @return a copy of the PEM bytes
         */
        @Override
        public byte[] pem() {
            return pem.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof KeyPem k && Arrays.equals(pem, k.pem) && Objects.equals(passphrase, k.passphrase);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(pem) * 31 + Objects.hashCode(passphrase);
        }

        @Override
        public String toString() {
            return "KeyPem[" + pem.length + " bytes" + (passphrase == null ? "" : ", passphrase=***") + "]";
        }
    }

    /**
     * Node's {@code {buf, passphrase}} entry of the {@code pfx} array: a PKCS#12 (PFX) file
     * holding a key, its certificate and the chain.
     *
     * @param buf        the DER bytes of the PKCS#12 structure
     * @param passphrase null to use {@link SecureContextOptions#passphrase()}, as Node does
     */
    public record Pfx(byte[] buf, String passphrase) {
        /** Checks and keeps the values. */
        public Pfx {
            Objects.requireNonNull(buf, "buf");
            buf = buf.clone();
        }

        /**
         * The buf.
         *
         * @return a copy of the PKCS#12 bytes
         */
        @Override
        public byte[] buf() {
            return buf.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Pfx p && Arrays.equals(buf, p.buf) && Objects.equals(passphrase, p.passphrase);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(buf) * 31 + Objects.hashCode(passphrase);
        }

        @Override
        public String toString() {
            return "Pfx[" + buf.length + " bytes" + (passphrase == null ? "" : ", passphrase=***") + "]";
        }
    }

    /** Checks and keeps the values. */
    public SecureContextOptions {
        ca = copyBytesList(ca);
        cert = copyBytesList(cert);
        key = key == null ? null : List.copyOf(key);
        pfx = pfx == null ? null : List.copyOf(pfx);
        crl = copyBytesList(crl);
        dhparam = dhparam == null ? null : dhparam.clone();
        ticketKeys = ticketKeys == null ? null : ticketKeys.clone();
        files = files == null ? Map.of() : Map.copyOf(files);
        keyEntries = keyEntries == null ? null : List.copyOf(keyEntries);
    }

    /**
     * Where the PEM and PFX options came from, for error messages only: Node's option name
     * ({@code "options.key"}, {@code "options.cert"}, {@code "options.ca"}, {@code "options.pfx"},
     * {@code "options.dhparam"}) to the file it was read from by a {@link Path} builder method,
     * as given. An option later replaced or appended to by another method has no entry. Node has
     * no counterpart (its options hold only the contents); jtls names the file when the option
     * is rejected ({@code options.key (server-key.pem): encrypted private key and no passphrase}).
     * Not part of {@link #equals}: options with the same contents are equal wherever they came from.
     *
     * @return where the PEM and PFX options came from, for error messages only: Node's option name ({@code
     *         "options.key"}, {@code "options.cert"}, {@code "options.ca"}, {@code "options.pfx"}, {@code
     *         "options.dhparam"}) to the file it was read from by a {@link Path} builder method, as given
     */
    @Override
    public Map<String, String> files() {
        return files;
    }

    private static List<byte[]> copyBytesList(List<byte[]> list) {
        if (list == null) {
            return null;
        }
        List<byte[]> copy = new ArrayList<>(list.size());
        for (byte[] b : list) {
            copy.add(Objects.requireNonNull(b, "list entry").clone());
        }
        return List.copyOf(copy);
    }

    private static List<byte[]> cloneOut(List<byte[]> list) {
        return list == null ? null : list.stream().map(byte[]::clone).toList();
    }

    /**
     * Node's {@code ca}: trusted CA certificates (PEM, {@code CERTIFICATE},
     * {@code X509 CERTIFICATE} or {@code TRUSTED CERTIFICATE}; any entry may hold several).
     * Each is added to the trust store and to the list of CA names a server sends when it
     * requests a client certificate. Text that is not a certificate is skipped, as in Node.
     *
     * <p>Default (null): the system's trust store, OpenSSL's default locations
     * ({@code X509_STORE_set_default_paths}: {@code SSL_CERT_FILE}/{@code SSL_CERT_DIR} or the
     * distribution's bundle). Node uses its own copy of Mozilla's roots instead; on most Linux
     * distributions the system bundle is the same Mozilla list. An empty list trusts nothing.
     *
     * @return Node's {@code ca}: trusted CA certificates (PEM, {@code CERTIFICATE}, {@code X509 CERTIFICATE}
     *         or {@code TRUSTED CERTIFICATE}; any entry may hold several)
     */
    @Override
    public List<byte[]> ca() {
        return cloneOut(ca);
    }

    /**
     * Node's {@code cert}: certificate chains in PEM, one per private key: the leaf first, then
     * its intermediates (not the root). Several chains with keys of different types (RSA and EC)
     * may share one context. Default (null): no certificate.
     *
     * @return Node's {@code cert}: certificate chains in PEM, one per private key: the leaf first, then its
     *         intermediates (not the root)
     */
    @Override
    public List<byte[]> cert() {
        return cloneOut(cert);
    }

    /**
     * Node's {@code key}: private keys in PEM, each with an optional passphrase of its own.
     * Keys are applied after the certificates; a key that does not match the certificate of its
     * type fails with {@code ERR_OSSL_X509_KEY_VALUES_MISMATCH}. Default (null): no key.
     *
     * @return Node's {@code key}: private keys in PEM, each with an optional passphrase of its own
     */
    @Override
    public List<KeyPem> key() {
        return key;
    }

    /**
     * Node's {@code passphrase}: decrypts an encrypted {@code key} or {@code pfx} entry that has
     * no passphrase of its own. Default (null): none; an encrypted key then fails with
     * {@code ERR_OSSL_BAD_DECRYPT} (never a terminal prompt).
     *
     * @return Node's {@code passphrase}: decrypts an encrypted {@code key} or {@code pfx} entry that has no
     *         passphrase of its own
     */
    @Override
    public String passphrase() {
        return passphrase;
    }

    /**
     * Node's {@code pfx}: PKCS#12 files, an alternative to {@code key} and {@code cert}. The
     * extra certificates in a PFX are also trusted as CAs, as Node does. Default (null): none.
     *
     * @return Node's {@code pfx}: PKCS#12 files, an alternative to {@code key} and {@code cert}
     */
    @Override
    public List<Pfx> pfx() {
        return pfx;
    }

    /**
     * Node's {@code ciphers}: an OpenSSL cipher string. TLS 1.3 suite names ({@code TLS_*}) are
     * set with {@code SSL_CTX_set_ciphersuites}, the rest with {@code SSL_CTX_set_cipher_list};
     * when the string has no TLS 1.3 names OpenSSL's TLS 1.3 suites stay, and when it has only
     * TLS 1.3 names the minimum version becomes TLSv1.3. Names must be upper-case.
     * Default (null): {@link io.jtls.Tls#DEFAULT_CIPHERS}.
     *
     * @return Node's {@code ciphers}: an OpenSSL cipher string
     */
    @Override
    public String ciphers() {
        return ciphers;
    }

    /**
     * Node's {@code crl}: certificate revocation lists in PEM. They go into the trust store and
     * turn on CRL checking for the whole chain ({@code X509_V_FLAG_CRL_CHECK |
     * X509_V_FLAG_CRL_CHECK_ALL}). Default (null): no revocation checking.
     *
     * @return Node's {@code crl}: certificate revocation lists in PEM
     */
    @Override
    public List<byte[]> crl() {
        return cloneOut(crl);
    }

    /**
     * Node's {@code dhparam}: PEM Diffie-Hellman parameters for the DHE cipher suites, at least
     * 1024 bits (smaller fails with {@code ERR_INVALID_ARG_VALUE}; under 2048 bits logs Node's
     * security warning), or the text {@code auto} for OpenSSL's built-in groups sized to the
     * certificate (as newer Node versions accept). Parameters that do not parse are silently
     * discarded, as in Node. Default (null): no DHE.
     *
     * @return Node's {@code dhparam}: PEM Diffie-Hellman parameters for the DHE cipher suites, at least 1024
     *         bits (smaller fails with {@code ERR_INVALID_ARG_VALUE}; under 2048 bits logs Node's security
     *         warning), or the text {@code auto} for OpenSSL's built-in groups sized to the certificate (as
     *         newer Node versions accept)
     */
    @Override
    public byte[] dhparam() {
        return dhparam == null ? null : dhparam.clone();
    }

    /**
     * Node's {@code ecdhCurve}: a curve name or a colon-separated list ({@code P-521:P-384:P-256},
     * {@code X25519}), or {@code auto}. Default (null): {@link io.jtls.Tls#DEFAULT_ECDH_CURVE}
     * ({@code auto}: OpenSSL's default groups).
     *
     * @return Node's {@code ecdhCurve}: a curve name or a colon-separated list ({@code P-521:P-384:P-256},
     *         {@code X25519}), or {@code auto}
     */
    @Override
    public String ecdhCurve() {
        return ecdhCurve;
    }

    /**
     * Node's {@code honorCipherOrder}: when true, the server's cipher order wins
     * ({@code SSL_OP_CIPHER_SERVER_PREFERENCE}). Default (null): unset, i.e. false here;
     * Node's {@code createServer} defaults it to true.
     *
     * @return Node's {@code honorCipherOrder}: when true, the server's cipher order wins ({@code
     *         SSL_OP_CIPHER_SERVER_PREFERENCE})
     */
    @Override
    public Boolean honorCipherOrder() {
        return honorCipherOrder;
    }

    /**
     * Node's {@code minVersion}: {@code TLSv1}, {@code TLSv1.1}, {@code TLSv1.2} or
     * {@code TLSv1.3}. Cannot be combined with {@link #secureProtocol()}.
     * Default (null): {@link io.jtls.Tls#DEFAULT_MIN_VERSION} ({@code TLSv1.2}). As in Node, a minimum
     * above the maximum is accepted here and fails at handshake ({@code no protocols available}).
     *
     * @return Node's {@code minVersion}: {@code TLSv1}, {@code TLSv1.1}, {@code TLSv1.2} or {@code TLSv1.3}
     */
    @Override
    public String minVersion() {
        return minVersion;
    }

    /**
     * Node's {@code maxVersion}; see {@link #minVersion()}. Default (null): {@link io.jtls.Tls#DEFAULT_MAX_VERSION} ({@code TLSv1.3}).
     *
     * @return Node's {@code maxVersion}; see {@link #minVersion()}
     */
    @Override
    public String maxVersion() {
        return maxVersion;
    }

    /**
     * Node's {@code secureOptions}: {@code SSL_OP_*} bits ({@link Constants}) set on top of the
     * defaults. Default 0: nothing added.
     *
     * @return Node's {@code secureOptions}: {@code SSL_OP_*} bits ({@link Constants}) set on top of the
     *         defaults
     */
    @Override
    public long secureOptions() {
        return secureOptions;
    }

    /**
     * Node's {@code secureProtocol}: an OpenSSL method name ({@code TLS_method},
     * {@code TLSv1_2_method}, {@code SSLv23_method}, their {@code _server}/{@code _client}
     * variants, ...) that fixes the protocol range. Default (null): the range of
     * {@link #minVersion()} and {@link #maxVersion()}.
     *
     * @return Node's {@code secureProtocol}: an OpenSSL method name ({@code TLS_method}, {@code
     *         TLSv1_2_method}, {@code SSLv23_method}, their {@code _server}/{@code _client} variants, ...)
     *         that fixes the protocol range
     */
    @Override
    public String secureProtocol() {
        return secureProtocol;
    }

    /**
     * Node's {@code sessionIdContext}: an opaque identifier (at most 32 bytes in UTF-8) that
     * keeps sessions from being resumed across applications. Default (null): none
     * ({@code createServer} supplies one).
     *
     * @return Node's {@code sessionIdContext}: an opaque identifier (at most 32 bytes in UTF-8) that keeps
     *         sessions from being resumed across applications
     */
    @Override
    public String sessionIdContext() {
        return sessionIdContext;
    }

    /**
     * Node's {@code sessionTimeout}: seconds after which a session can no longer be resumed,
     * 0 to 2147483647. Default (null): OpenSSL's, 7200 seconds (Node's {@code createServer}
     * documents 300).
     *
     * @return Node's {@code sessionTimeout}: seconds after which a session can no longer be resumed, 0 to
     *         2147483647
     */
    @Override
    public Integer sessionTimeout() {
        return sessionTimeout;
    }

    /**
     * Node's {@code ticketKeys}: exactly 48 bytes (16 name, 16 HMAC key, 16 AES key) that
     * encrypt session tickets, to share tickets between servers. Default (null): 48 random bytes
     * drawn per context.
     *
     * @return Node's {@code ticketKeys}: exactly 48 bytes (16 name, 16 HMAC key, 16 AES key) that encrypt
     *         session tickets, to share tickets between servers
     */
    @Override
    public byte[] ticketKeys() {
        return ticketKeys == null ? null : ticketKeys.clone();
    }

    /**
     * Node's {@code sigalgs}: the signature algorithms offered, colon-separated
     * ({@code RSA-PSS+SHA256:ECDSA+SHA256}). Default (null): OpenSSL's.
     *
     * @return Node's {@code sigalgs}: the signature algorithms offered, colon-separated ({@code
     *         RSA-PSS+SHA256:ECDSA+SHA256})
     */
    @Override
    public String sigalgs() {
        return sigalgs;
    }

    /**
     * Node's {@code clientCertEngine}: the id of an OpenSSL engine that provides the client
     * certificate. Default (null): none. Fails where the OpenSSL build has no engines.
     *
     * @return Node's {@code clientCertEngine}: the id of an OpenSSL engine that provides the client
     *         certificate
     */
    @Override
    public String clientCertEngine() {
        return clientCertEngine;
    }

    /**
     * Node's {@code privateKeyEngine}: the engine that holds {@link #privateKeyIdentifier()}. Default (null): none.
     *
     * @return Node's {@code privateKeyEngine}: the engine that holds {@link #privateKeyIdentifier()}
     */
    @Override
    public String privateKeyEngine() {
        return privateKeyEngine;
    }

    /**
     * Node's {@code privateKeyIdentifier}: a key loaded from {@link #privateKeyEngine()} instead
     * of {@link #key()} (both at once is an error). Default (null): none.
     *
     * @return Node's {@code privateKeyIdentifier}: a key loaded from {@link #privateKeyEngine()} instead of
     *         {@link #key()} (both at once is an error)
     */
    @Override
    public String privateKeyIdentifier() {
        return privateKeyIdentifier;
    }

    /**
     * Node's {@code allowPartialTrustChain} (Node 22.9): certificates in {@link #ca()} that are
     * not self-signed (an intermediate) are trust anchors too ({@code X509_V_FLAG_PARTIAL_CHAIN}),
     * so a chain verifies once it reaches one of them. Default false: only roots anchor a chain.
     *
     * @return Node's {@code allowPartialTrustChain} (Node 22.9): certificates in {@link #ca()} that are not
     *         self-signed (an intermediate) are trust anchors too ({@code X509_V_FLAG_PARTIAL_CHAIN}), so a
     *         chain verifies once it reaches one of them
     */
    @Override
    public boolean allowPartialTrustChain() {
        return allowPartialTrustChain;
    }

    /**
     * jtls's addition to Node's options: private keys with their certificate chains as Java
     * holds them ({@link java.security.KeyStore} entries, or a {@link java.security.PrivateKey}
     * and {@link java.security.cert.X509Certificate}s), applied after {@link #key()} like
     * {@link #cert()} and {@link #key()} pairs: each chain into the slot of its key type, then
     * the key, checked against it ({@code ERR_OSSL_X509_KEY_VALUES_MISMATCH}). The options hold
     * the caller's key objects, never their encoded bytes: see {@link PrivateKeyEntry}.
     * Default (null): none.
     *
     * @return the entries, or null
     */
    public List<PrivateKeyEntry> keyEntries() {
        return keyEntries;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SecureContextOptions s)) {
            return false;
        }
        return bytesListEquals(ca, s.ca) && bytesListEquals(cert, s.cert) && Objects.equals(key, s.key)
                && Objects.equals(passphrase, s.passphrase) && Objects.equals(pfx, s.pfx)
                && Objects.equals(ciphers, s.ciphers) && bytesListEquals(crl, s.crl)
                && Arrays.equals(dhparam, s.dhparam) && Objects.equals(ecdhCurve, s.ecdhCurve)
                && Objects.equals(honorCipherOrder, s.honorCipherOrder)
                && Objects.equals(minVersion, s.minVersion) && Objects.equals(maxVersion, s.maxVersion)
                && secureOptions == s.secureOptions && Objects.equals(secureProtocol, s.secureProtocol)
                && Objects.equals(sessionIdContext, s.sessionIdContext)
                && Objects.equals(sessionTimeout, s.sessionTimeout) && Arrays.equals(ticketKeys, s.ticketKeys)
                && Objects.equals(sigalgs, s.sigalgs) && Objects.equals(clientCertEngine, s.clientCertEngine)
                && Objects.equals(privateKeyEngine, s.privateKeyEngine)
                && Objects.equals(privateKeyIdentifier, s.privateKeyIdentifier)
                && allowPartialTrustChain == s.allowPartialTrustChain && Objects.equals(keyEntries, s.keyEntries);
    }

    private static boolean bytesListEquals(List<byte[]> a, List<byte[]> b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return Objects.hash(ciphers, ecdhCurve, minVersion, maxVersion, secureOptions, secureProtocol,
                sessionIdContext, sessionTimeout, sigalgs, key, pfx, keyEntries,
                ca == null ? -1 : ca.size(), cert == null ? -1 : cert.size());
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("SecureContextOptions[");
        appendCount(sb, "ca", ca);
        appendCount(sb, "cert", cert);
        appendCount(sb, "key", key);
        append(sb, "passphrase", passphrase == null ? null : "***");
        appendCount(sb, "pfx", pfx);
        append(sb, "ciphers", ciphers);
        appendCount(sb, "crl", crl);
        append(sb, "dhparam", dhparam == null ? null : dhparam.length + " bytes");
        append(sb, "ecdhCurve", ecdhCurve);
        append(sb, "honorCipherOrder", honorCipherOrder);
        append(sb, "minVersion", minVersion);
        append(sb, "maxVersion", maxVersion);
        append(sb, "secureOptions", secureOptions == 0 ? null : "0x" + Long.toHexString(secureOptions));
        append(sb, "secureProtocol", secureProtocol);
        append(sb, "sessionIdContext", sessionIdContext);
        append(sb, "sessionTimeout", sessionTimeout);
        append(sb, "ticketKeys", ticketKeys == null ? null : "***");
        append(sb, "sigalgs", sigalgs);
        append(sb, "clientCertEngine", clientCertEngine);
        append(sb, "privateKeyEngine", privateKeyEngine);
        append(sb, "privateKeyIdentifier", privateKeyIdentifier);
        appendCount(sb, "keyEntries", keyEntries);
        append(sb, "files", files.isEmpty() ? null : files);
        return sb.append(']').toString();
    }

    private static void appendCount(StringBuilder sb, String name, List<?> list) {
        append(sb, name, list == null ? null : list.size() + (list.size() == 1 ? " entry" : " entries"));
    }

    private static void append(StringBuilder sb, String name, Object value) {
        if (value != null) {
            sb.append(sb.charAt(sb.length() - 1) == '[' ? "" : ", ").append(name).append('=').append(value);
        }
    }

    /**
     * A new builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding these options, to derive a variant.
     *
     * @return a builder holding these options, to derive a variant
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.ca = ca == null ? null : new ArrayList<>(ca);
        b.cert = cert == null ? null : new ArrayList<>(cert);
        b.key = key == null ? null : new ArrayList<>(key);
        b.passphrase = passphrase;
        b.pfx = pfx == null ? null : new ArrayList<>(pfx);
        b.ciphers = ciphers;
        b.crl = crl == null ? null : new ArrayList<>(crl);
        b.dhparam = dhparam;
        b.ecdhCurve = ecdhCurve;
        b.honorCipherOrder = honorCipherOrder;
        b.minVersion = minVersion;
        b.maxVersion = maxVersion;
        b.secureOptions = secureOptions;
        b.secureProtocol = secureProtocol;
        b.sessionIdContext = sessionIdContext;
        b.sessionTimeout = sessionTimeout;
        b.ticketKeys = ticketKeys;
        b.sigalgs = sigalgs;
        b.clientCertEngine = clientCertEngine;
        b.privateKeyEngine = privateKeyEngine;
        b.privateKeyIdentifier = privateKeyIdentifier;
        b.allowPartialTrustChain = allowPartialTrustChain;
        b.keyEntries = keyEntries == null ? null : new ArrayList<>(keyEntries);
        files.forEach((name, file) -> b.fromFile(name, file, b.current(name)));
        return b;
    }

    /**
     * Fluent builder. Each setter replaces the value (a single PEM becomes a one-entry list);
     * the {@code add*} methods append. Passing {@code null} to a setter makes the option absent
     * again. An empty single value ({@code cert("")}) is absent too, as Node skips falsy values.
     */
    public static final class Builder {
        private List<byte[]> ca;
        private List<byte[]> cert;
        private List<KeyPem> key;
        private String passphrase;
        private List<Pfx> pfx;
        private String ciphers;
        private List<byte[]> crl;
        private byte[] dhparam;
        private String ecdhCurve;
        private Boolean honorCipherOrder;
        private String minVersion;
        private String maxVersion;
        private long secureOptions;
        private String secureProtocol;
        private String sessionIdContext;
        private Integer sessionTimeout;
        private byte[] ticketKeys;
        private String sigalgs;
        private String clientCertEngine;
        private String privateKeyEngine;
        private String privateKeyIdentifier;
        private boolean allowPartialTrustChain;
        private List<PrivateKeyEntry> keyEntries;
        /** Options read from a file: the file and the value it gave (replaced or grown: no longer that file's). */
        private final Map<String, FileSource> files = new LinkedHashMap<>();

        private record FileSource(String file, Object value, int size) {}

        private Builder() {}

        private void fromFile(String name, String file, Object value) {
            files.put(name, new FileSource(file, value, size(value)));
        }

        private Object current(String name) {
            return switch (name) {
                case "options.ca" -> ca;
                case "options.cert" -> cert;
                case "options.key" -> key;
                case "options.pfx" -> pfx;
                case "options.dhparam" -> dhparam;
                default -> null;
            };
        }

        private static int size(Object value) {
            return value instanceof List<?> list ? list.size() : 1;
        }

        private Map<String, String> files() {
            Map<String, String> out = new LinkedHashMap<>();
            files.forEach((name, source) -> {
                Object now = current(name);
                if (now != null && now == source.value() && size(now) == source.size()) {
                    out.put(name, source.file());
                }
            });
            return out;
        }

        // ---- ca ----

        /**
         * {@link SecureContextOptions#ca()} from PEM text (one or several certificates).
         *
         * @param pem the PEM text
         * @return this builder
         */
        public Builder ca(String pem) {
            ca = single(pem == null ? null : utf8(pem));
            return this;
        }

        /**
         * {@link SecureContextOptions#ca()} from PEM bytes.
         *
         * @param pem the PEM text
         * @return this builder
         */
        public Builder ca(byte[] pem) {
            ca = single(pem);
            return this;
        }

        /**
         * {@link SecureContextOptions#ca()} from a PEM file, read now.
         *
         * @param pemFile the PEM file, read now
         * @return this builder
         */
        public Builder ca(Path pemFile) {
            ca = pemFile == null ? null : single(read(pemFile, "options.ca"));
            fromFile("options.ca", String.valueOf(pemFile), ca);
            return this;
        }

        /**
         * {@link SecureContextOptions#ca()} from several PEM texts; an empty list trusts nothing.
         *
         * @param pems the PEM texts
         * @return this builder
         */
        public Builder ca(List<String> pems) {
            ca = strings(pems, "options.ca");
            return this;
        }

        /**
         * {@link SecureContextOptions#ca()} from several PEM byte arrays.
         *
         * @param pems the PEM texts
         * @return this builder
         */
        public Builder caBytes(List<byte[]> pems) {
            ca = bytesList(pems, "options.ca");
            return this;
        }

        /**
         * Appends PEM text to {@link SecureContextOptions#ca()}.
         *
         * @param pem the PEM text
         * @return this builder
         */
        public Builder addCa(String pem) {
            ca = append(ca, utf8(require(pem, "options.ca")));
            return this;
        }

        /**
         * Appends PEM bytes to {@link SecureContextOptions#ca()}.
         *
         * @param pem the PEM text
         * @return this builder
         */
        public Builder addCa(byte[] pem) {
            ca = append(ca, require(pem, "options.ca"));
            return this;
        }

        /**
         * {@link SecureContextOptions#ca()} from a Java trust store: its trusted certificate
         * entries (as the JDK's PKIX trust manager takes them; private key entries are not
         * anchors), converted to PEM now. A store with no certificate entry trusts nothing.
         *
         * @param trustStore a loaded {@link KeyStore} (PKCS#12, JKS, ...), or null for the default
         * @return this builder
         * @throws TlsArgumentException {@code ERR_INVALID_ARG_VALUE} for a store not loaded
         */
        public Builder ca(KeyStore trustStore) {
            ca = trustStore == null ? null : new ArrayList<>(KeyStores.trustedCertificates(trustStore));
            return this;
        }

        /**
         * {@link SecureContextOptions#ca()}: these certificates, converted to PEM now.
         *
         * @param certificates the trusted certificates; none trusts nothing
         * @return this builder
         */
        public Builder ca(X509Certificate... certificates) {
            ca = new ArrayList<>(certificates.length);
            for (X509Certificate c : certificates) {
                ca.add(KeyStores.pem(require(c, "options.ca"), "options.ca"));
            }
            return this;
        }

        /**
         * Appends a certificate to {@link SecureContextOptions#ca()}.
         *
         * @param certificate a trusted certificate
         * @return this builder
         */
        public Builder addCa(X509Certificate certificate) {
            ca = append(ca, KeyStores.pem(require(certificate, "options.ca"), "options.ca"));
            return this;
        }

        // ---- cert ----

        /**
         * {@link SecureContextOptions#cert()} from PEM text: a leaf followed by its intermediates.
         *
         * @param pem the PEM text
         * @return this builder
         */
        public Builder cert(String pem) {
            cert = single(pem == null ? null : utf8(pem));
            return this;
        }

        /**
         * {@link SecureContextOptions#cert()} from PEM bytes.
         *
         * @param pem the PEM text
         * @return this builder
         */
        public Builder cert(byte[] pem) {
            cert = single(pem);
            return this;
        }

        /**
         * {@link SecureContextOptions#cert()} from a PEM file, read now.
         *
         * @param pemFile the PEM file, read now
         * @return this builder
         */
        public Builder cert(Path pemFile) {
            cert = pemFile == null ? null : single(read(pemFile, "options.cert"));
            fromFile("options.cert", String.valueOf(pemFile), cert);
            return this;
        }

        /**
         * {@link SecureContextOptions#cert()}: several chains, one per key.
         *
         * @param pems the PEM texts
         * @return this builder
         */
        public Builder cert(List<String> pems) {
            cert = strings(pems, "options.cert");
            return this;
        }

        /**
         * {@link SecureContextOptions#cert()}: several chains as bytes.
         *
         * @param pems the PEM texts
         * @return this builder
         */
        public Builder certBytes(List<byte[]> pems) {
            cert = bytesList(pems, "options.cert");
            return this;
        }

        /**
         * Appends a chain to {@link SecureContextOptions#cert()}.
         *
         * @param pem the PEM text
         * @return this builder
         */
        public Builder addCert(String pem) {
            cert = append(cert, utf8(require(pem, "options.cert")));
            return this;
        }

        /**
         * Appends a chain (bytes) to {@link SecureContextOptions#cert()}.
         *
         * @param pem the PEM text
         * @return this builder
         */
        public Builder addCert(byte[] pem) {
            cert = append(cert, require(pem, "options.cert"));
            return this;
        }

        // ---- key ----

        /**
         * {@link SecureContextOptions#key()}: one PEM key, decrypted with {@link #passphrase(String)} if encrypted.
         *
         * @param pem the PEM text
         * @return this builder
         */
        public Builder key(String pem) {
            key = pem == null || pem.isEmpty() ? null : new ArrayList<>(List.of(new KeyPem(pem, null)));
            return this;
        }

        /**
         * {@link SecureContextOptions#key()}: one PEM key as bytes.
         *
         * @param pem the PEM text
         * @return this builder
         */
        public Builder key(byte[] pem) {
            key = pem == null || pem.length == 0 ? null : new ArrayList<>(List.of(new KeyPem(pem, null)));
            return this;
        }

        /**
         * {@link SecureContextOptions#key()}: one PEM key file, read now.
         *
         * @param pemFile the PEM file, read now
         * @return this builder
         */
        public Builder key(Path pemFile) {
            key = pemFile == null ? null : new ArrayList<>(List.of(new KeyPem(read(pemFile, "options.key"), null)));
            fromFile("options.key", String.valueOf(pemFile), key);
            return this;
        }

        /**
         * {@link SecureContextOptions#key()}: one key with its own passphrase (Node's {@code [{pem, passphrase}]}).
         *
         * @param pem the PEM text
         * @param passphrase the passphrase, or null for none
         * @return this builder
         */
        public Builder key(String pem, String passphrase) {
            key = new ArrayList<>(List.of(new KeyPem(require(pem, "options.key"), passphrase)));
            return this;
        }

        /**
         * {@link SecureContextOptions#key()}: several keys (Node's array of strings/Buffers/objects).
         *
         * @param keys the keys
         * @return this builder
         */
        public Builder key(List<KeyPem> keys) {
            if (keys == null) {
                key = null;
            } else {
                key = new ArrayList<>(keys.size());
                for (KeyPem k : keys) {
                    key.add(require(k, "options.key"));
                }
            }
            return this;
        }

        /**
         * Appends a key to {@link SecureContextOptions#key()}.
         *
         * @param pem the PEM text
         * @return this builder
         */
        public Builder addKey(String pem) {
            return addKey(new KeyPem(require(pem, "options.key"), null));
        }

        /**
         * Appends a key with its own passphrase to {@link SecureContextOptions#key()}.
         *
         * @param pem the PEM text
         * @param passphrase the passphrase, or null for none
         * @return this builder
         */
        public Builder addKey(String pem, String passphrase) {
            return addKey(new KeyPem(require(pem, "options.key"), passphrase));
        }

        /**
         * Appends a key to {@link SecureContextOptions#key()}.
         *
         * @param keyPem the key and its passphrase
         * @return this builder
         */
        public Builder addKey(KeyPem keyPem) {
            if (key == null) {
                key = new ArrayList<>();
            }
            key.add(require(keyPem, "options.key"));
            return this;
        }

        // ---- key entries (Java's key material) ----

        /**
         * {@link SecureContextOptions#keyEntries()}: the private key entry {@code alias} of a
         * keystore (PKCS#12, JKS, ...) with its certificate chain, read now. The password is
         * used now and not kept.
         *
         * @param keyStore a loaded keystore
         * @param password the key's password (for PKCS#12 and JKS made by {@code keytool}, the
         *                 store's password)
         * @param alias    the entry, or null for the only private key entry of the store
         * @return this builder
         * @throws TlsArgumentException {@code ERR_INVALID_ARG_VALUE} when the alias is not a
         *                              private key entry (or there is not exactly one), or the
         *                              key cannot be exported
         * @throws TlsException         {@code ERR_OSSL_BAD_DECRYPT} for a wrong password
         */
        public Builder keyStore(KeyStore keyStore, char[] password, String alias) {
            keyEntries = new ArrayList<>(List.of(KeyStores.privateKeyEntry(
                    Objects.requireNonNull(keyStore, "keyStore"), password, alias)));
            return this;
        }

        /**
         * {@link SecureContextOptions#keyEntries()} from a keystore file of a type the JDK
         * recognises ({@code PKCS12}, {@code JKS}), read now.
         *
         * @param file     the keystore file
         * @param password the store's password, also the key's
         * @param alias    the entry, or null for the only private key entry
         * @return this builder
         * @throws TlsException {@code ENOENT} for a missing file, {@code ERR_OSSL_BAD_DECRYPT} for
         *                      a wrong password; see {@link #keyStore(KeyStore, char[], String)}
         */
        public Builder keyStore(Path file, char[] password, String alias) {
            KeyStore store = KeyStores.load(Objects.requireNonNull(file, "file"), password, "options.keyStore");
            return keyStore(store, password, alias);
        }

        /**
         * {@link SecureContextOptions#keyEntries()}: one key and its chain.
         *
         * @param privateKey the key; exportable (PKCS#8)
         * @param chain      its certificate first, then the intermediates
         * @return this builder
         */
        public Builder key(PrivateKey privateKey, X509Certificate... chain) {
            keyEntries = new ArrayList<>(List.of(PrivateKeyEntry.of(privateKey, chain)));
            return this;
        }

        /**
         * Sets {@link SecureContextOptions#keyEntries()}.
         *
         * @param entries the entries, or null for none
         * @return this builder
         */
        public Builder keyEntries(List<PrivateKeyEntry> entries) {
            keyEntries = entries == null ? null : new ArrayList<>(entries);
            return this;
        }

        /**
         * Appends to {@link SecureContextOptions#keyEntries()}: an RSA and an EC identity can
         * share one context.
         *
         * @param entry a key and its chain
         * @return this builder
         */
        public Builder addKeyEntry(PrivateKeyEntry entry) {
            if (keyEntries == null) {
                keyEntries = new ArrayList<>();
            }
            keyEntries.add(Objects.requireNonNull(entry, "entry"));
            return this;
        }

        // ---- passphrase, pfx ----

        /**
         * {@link SecureContextOptions#passphrase()}
         *
         * @param passphrase the passphrase, or null for none
         * @return this builder
         */
        public Builder passphrase(String passphrase) {
            this.passphrase = passphrase;
            return this;
        }

        /**
         * {@link SecureContextOptions#pfx()}: one PKCS#12 file's bytes, decrypted with {@link #passphrase(String)}.
         *
         * @param der the DER bytes
         * @return this builder
         */
        public Builder pfx(byte[] der) {
            pfx = der == null || der.length == 0 ? null : new ArrayList<>(List.of(new Pfx(der, null)));
            return this;
        }

        /**
         * {@link SecureContextOptions#pfx()}: one PKCS#12 file, read now.
         *
         * @param file the file
         * @return this builder
         */
        public Builder pfx(Path file) {
            pfx = file == null ? null : new ArrayList<>(List.of(new Pfx(read(file, "options.pfx"), null)));
            fromFile("options.pfx", String.valueOf(file), pfx);
            return this;
        }

        /**
         * {@link SecureContextOptions#pfx()}: one PKCS#12 with its own passphrase.
         *
         * @param der the DER bytes
         * @param passphrase the passphrase, or null for none
         * @return this builder
         */
        public Builder pfx(byte[] der, String passphrase) {
            pfx = new ArrayList<>(List.of(new Pfx(require(der, "options.pfx"), passphrase)));
            return this;
        }

        /**
         * {@link SecureContextOptions#pfx()}: several, each with an optional passphrase.
         *
         * @param entries the entries
         * @return this builder
         */
        public Builder pfx(List<Pfx> entries) {
            if (entries == null) {
                pfx = null;
            } else {
                pfx = new ArrayList<>(entries.size());
                for (Pfx p : entries) {
                    pfx.add(require(p, "options.pfx"));
                }
            }
            return this;
        }

        /**
         * Appends to {@link SecureContextOptions#pfx()}.
         *
         * @param entry the entry
         * @return this builder
         */
        public Builder addPfx(Pfx entry) {
            if (pfx == null) {
                pfx = new ArrayList<>();
            }
            pfx.add(require(entry, "options.pfx"));
            return this;
        }

        // ---- the rest ----

        /**
         * {@link SecureContextOptions#ciphers()}
         *
         * @param ciphers the ciphers
         * @return this builder
         */
        public Builder ciphers(String ciphers) {
            this.ciphers = ciphers;
            return this;
        }

        /**
         * {@link SecureContextOptions#crl()} from PEM text (one CRL).
         *
         * @param pem the PEM text
         * @return this builder
         */
        public Builder crl(String pem) {
            crl = pem == null ? null : new ArrayList<>(List.of(utf8(pem)));
            return this;
        }

        /**
         * {@link SecureContextOptions#crl()} from PEM bytes.
         *
         * @param pem the PEM text
         * @return this builder
         */
        public Builder crl(byte[] pem) {
            crl = pem == null ? null : new ArrayList<>(List.of(pem));
            return this;
        }

        /**
         * {@link SecureContextOptions#crl()}: several PEM CRLs.
         *
         * @param pems the PEM texts
         * @return this builder
         */
        public Builder crl(List<String> pems) {
            crl = strings(pems, "options.crl");
            return this;
        }

        /**
         * Appends a PEM CRL to {@link SecureContextOptions#crl()}.
         *
         * @param pem the PEM text
         * @return this builder
         */
        public Builder addCrl(String pem) {
            crl = append(crl, utf8(require(pem, "options.crl")));
            return this;
        }

        /**
         * {@link SecureContextOptions#dhparam()}: PEM text, or {@code "auto"}.
         *
         * @param pemOrAuto PEM text, or {@code "auto"}
         * @return this builder
         */
        public Builder dhparam(String pemOrAuto) {
            dhparam = pemOrAuto == null ? null : utf8(pemOrAuto);
            return this;
        }

        /**
         * {@link SecureContextOptions#dhparam()} as bytes.
         *
         * @param pem the PEM text
         * @return this builder
         */
        public Builder dhparam(byte[] pem) {
            dhparam = pem == null ? null : pem.clone();
            return this;
        }

        /**
         * {@link SecureContextOptions#dhparam()} from a PEM file, read now.
         *
         * @param pemFile the PEM file, read now
         * @return this builder
         */
        public Builder dhparam(Path pemFile) {
            dhparam = pemFile == null ? null : read(pemFile, "options.dhparam");
            fromFile("options.dhparam", String.valueOf(pemFile), dhparam);
            return this;
        }

        /**
         * {@link SecureContextOptions#ecdhCurve()}
         *
         * @param ecdhCurve the curve names, colon-separated, or {@code "auto"}
         * @return this builder
         */
        public Builder ecdhCurve(String ecdhCurve) {
            this.ecdhCurve = ecdhCurve;
            return this;
        }

        /**
         * {@link SecureContextOptions#honorCipherOrder()}
         *
         * @param honorCipherOrder the honor cipher order
         * @return this builder
         */
        public Builder honorCipherOrder(Boolean honorCipherOrder) {
            this.honorCipherOrder = honorCipherOrder;
            return this;
        }

        /**
         * {@link SecureContextOptions#minVersion()}
         *
         * @param minVersion the min version
         * @return this builder
         */
        public Builder minVersion(String minVersion) {
            this.minVersion = minVersion;
            return this;
        }

        /**
         * {@link SecureContextOptions#maxVersion()}
         *
         * @param maxVersion the max version
         * @return this builder
         */
        public Builder maxVersion(String maxVersion) {
            this.maxVersion = maxVersion;
            return this;
        }

        /**
         * {@link SecureContextOptions#secureOptions()}: replaces the bits.
         *
         * @param secureOptions the secure options
         * @return this builder
         */
        public Builder secureOptions(long secureOptions) {
            this.secureOptions = secureOptions;
            return this;
        }

        /**
         * {@link SecureContextOptions#secureProtocol()}
         *
         * @param secureProtocol the secure protocol
         * @return this builder
         */
        public Builder secureProtocol(String secureProtocol) {
            this.secureProtocol = secureProtocol;
            return this;
        }

        /**
         * {@link SecureContextOptions#sessionIdContext()}
         *
         * @param sessionIdContext the session id context
         * @return this builder
         */
        public Builder sessionIdContext(String sessionIdContext) {
            this.sessionIdContext = sessionIdContext;
            return this;
        }

        /**
         * {@link SecureContextOptions#sessionTimeout()}, in seconds.
         *
         * @param seconds the time in seconds
         * @return this builder
         */
        public Builder sessionTimeout(Integer seconds) {
            this.sessionTimeout = seconds;
            return this;
        }

        /**
         * {@link SecureContextOptions#ticketKeys()}: 48 bytes (checked when the context is made).
         *
         * @param ticketKeys the ticket keys
         * @return this builder
         */
        public Builder ticketKeys(byte[] ticketKeys) {
            this.ticketKeys = ticketKeys == null ? null : ticketKeys.clone();
            return this;
        }

        /**
         * {@link SecureContextOptions#sigalgs()}
         *
         * @param sigalgs the sigalgs
         * @return this builder
         */
        public Builder sigalgs(String sigalgs) {
            this.sigalgs = sigalgs;
            return this;
        }

        /**
         * {@link SecureContextOptions#clientCertEngine()}
         *
         * @param engineId the OpenSSL engine id
         * @return this builder
         */
        public Builder clientCertEngine(String engineId) {
            this.clientCertEngine = engineId;
            return this;
        }

        /**
         * {@link SecureContextOptions#privateKeyEngine()}
         *
         * @param engineId the OpenSSL engine id
         * @return this builder
         */
        public Builder privateKeyEngine(String engineId) {
            this.privateKeyEngine = engineId;
            return this;
        }

        /**
         * {@link SecureContextOptions#privateKeyIdentifier()}
         *
         * @param keyId the key id
         * @return this builder
         */
        public Builder privateKeyIdentifier(String keyId) {
            this.privateKeyIdentifier = keyId;
            return this;
        }

        /**
         * {@link SecureContextOptions#allowPartialTrustChain()}
         *
         * @param allow the allow
         * @return this builder
         */
        public Builder allowPartialTrustChain(boolean allow) {
            this.allowPartialTrustChain = allow;
            return this;
        }

        /**
         * Builds from the values set so far.
         *
         * @return the secure context options: builds from the values set so far
         */
        public SecureContextOptions build() {
            return new SecureContextOptions(ca, cert, key, passphrase, pfx, ciphers, crl, dhparam, ecdhCurve,
                    honorCipherOrder, minVersion, maxVersion, secureOptions, secureProtocol, sessionIdContext,
                    sessionTimeout, ticketKeys, sigalgs, clientCertEngine, privateKeyEngine, privateKeyIdentifier,
                    allowPartialTrustChain, files(), keyEntries);
        }

        private static byte[] utf8(String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        }

        private static List<byte[]> single(byte[] pem) {
            return pem == null || pem.length == 0 ? null : new ArrayList<>(List.of(pem.clone()));
        }

        private static List<byte[]> append(List<byte[]> list, byte[] pem) {
            List<byte[]> out = list == null ? new ArrayList<>() : list;
            out.add(pem.clone());
            return out;
        }

        private static List<byte[]> strings(List<String> pems, String name) {
            if (pems == null) {
                return null;
            }
            List<byte[]> out = new ArrayList<>(pems.size());
            for (String s : pems) {
                out.add(utf8(require(s, name)));
            }
            return out;
        }

        private static List<byte[]> bytesList(List<byte[]> pems, String name) {
            if (pems == null) {
                return null;
            }
            List<byte[]> out = new ArrayList<>(pems.size());
            for (byte[] b : pems) {
                out.add(require(b, name).clone());
            }
            return out;
        }

        /** Node's {@code validateKeyOrCertOption}: a list entry must be a string or a Buffer. */
        private static <T> T require(T value, String name) {
            if (value == null) {
                throw new TlsArgumentException("ERR_INVALID_ARG_TYPE", "The \"" + name + "\" property must be of type"
                        + " string or an instance of Buffer, TypedArray, or DataView. Received null");
            }
            return value;
        }

        /**
         * Reads an option's file now, failing as Node's {@code fs.readFileSync} does: a
         * {@link TlsException} with the errno's code ({@code ENOENT}, {@code EACCES},
         * {@code EISDIR}, else {@code EIO}) and Node's message, then the option's name.
         */
        private static byte[] read(Path file, String name) {
            try {
                return Files.readAllBytes(file);
            } catch (IOException e) {
                String node;
                if (e instanceof NoSuchFileException) {
                    node = "ENOENT: no such file or directory, open '" + file + "'";
                } else if (e instanceof AccessDeniedException) {
                    node = "EACCES: permission denied, open '" + file + "'";
                } else if (Files.isDirectory(file)) {
                    node = "EISDIR: illegal operation on a directory, read";
                } else {
                    node = "EIO: i/o error, read '" + file + "'";
                }
                throw new TlsException(node.substring(0, node.indexOf(':')), node + "; " + name, e);
            }
        }
    }
}
