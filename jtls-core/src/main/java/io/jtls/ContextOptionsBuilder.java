package io.jtls;

import io.jtls.context.PrivateKeyEntry;
import io.jtls.context.SecureContextOptions;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * The secure-context half of a TLS options builder ({@link TlsServerOptions.Builder},
 * {@link TlsConnectOptions.Builder}, {@link TlsSocketOptions.Builder}): Node lets every
 * {@code tls.createSecureContext()} option be given to {@code createServer}, {@code connect} and
 * {@code new TLSSocket} directly, and so does every builder that extends this class. Each
 * method sets the option of the same name in {@link SecureContextOptions}; see there for what
 * each means and its default.
 *
 * @param <B> the concrete builder, returned by every method for chaining
 */
public abstract class ContextOptionsBuilder<B extends ContextOptionsBuilder<B>> {
    /** The context options gathered so far. */
    SecureContextOptions.Builder context = SecureContextOptions.builder();

    ContextOptionsBuilder() {}

    @SuppressWarnings("unchecked")
    final B self() {
        return (B) this;
    }

    /** Replaces every secure-context option with those of {@code options}. */
    public B secureContextOptions(SecureContextOptions options) {
        context = Objects.requireNonNull(options, "options").toBuilder();
        return self();
    }

    /** The secure-context options set so far. */
    public SecureContextOptions secureContextOptions() {
        return context.build();
    }

    /** {@link SecureContextOptions#ca()}: see {@link SecureContextOptions.Builder#ca}. */
    public B ca(String pem) {
        context.ca(pem);
        return self();
    }

    /** {@link SecureContextOptions#ca()}: see {@link SecureContextOptions.Builder#ca}. */
    public B ca(byte[] pem) {
        context.ca(pem);
        return self();
    }

    /** {@link SecureContextOptions#ca()}: see {@link SecureContextOptions.Builder#ca}. */
    public B ca(Path pemFile) {
        context.ca(pemFile);
        return self();
    }

    /** {@link SecureContextOptions#ca()}: see {@link SecureContextOptions.Builder#ca}. */
    public B ca(List<String> pems) {
        context.ca(pems);
        return self();
    }

    /** {@link SecureContextOptions#ca()}: see {@link SecureContextOptions.Builder#caBytes}. */
    public B caBytes(List<byte[]> pems) {
        context.caBytes(pems);
        return self();
    }

    /** {@link SecureContextOptions#ca()}: see {@link SecureContextOptions.Builder#addCa}. */
    public B addCa(String pem) {
        context.addCa(pem);
        return self();
    }

    /** {@link SecureContextOptions#ca()}: see {@link SecureContextOptions.Builder#addCa}. */
    public B addCa(byte[] pem) {
        context.addCa(pem);
        return self();
    }

    /** {@link SecureContextOptions#cert()}: see {@link SecureContextOptions.Builder#cert}. */
    public B cert(String pem) {
        context.cert(pem);
        return self();
    }

    /** {@link SecureContextOptions#cert()}: see {@link SecureContextOptions.Builder#cert}. */
    public B cert(byte[] pem) {
        context.cert(pem);
        return self();
    }

    /** {@link SecureContextOptions#cert()}: see {@link SecureContextOptions.Builder#cert}. */
    public B cert(Path pemFile) {
        context.cert(pemFile);
        return self();
    }

    /** {@link SecureContextOptions#cert()}: see {@link SecureContextOptions.Builder#cert}. */
    public B cert(List<String> pems) {
        context.cert(pems);
        return self();
    }

    /** {@link SecureContextOptions#cert()}: see {@link SecureContextOptions.Builder#certBytes}. */
    public B certBytes(List<byte[]> pems) {
        context.certBytes(pems);
        return self();
    }

    /** {@link SecureContextOptions#cert()}: see {@link SecureContextOptions.Builder#addCert}. */
    public B addCert(String pem) {
        context.addCert(pem);
        return self();
    }

    /** {@link SecureContextOptions#cert()}: see {@link SecureContextOptions.Builder#addCert}. */
    public B addCert(byte[] pem) {
        context.addCert(pem);
        return self();
    }

    /** {@link SecureContextOptions#key()}: see {@link SecureContextOptions.Builder#key}. */
    public B key(String pem) {
        context.key(pem);
        return self();
    }

    /** {@link SecureContextOptions#key()}: see {@link SecureContextOptions.Builder#key}. */
    public B key(byte[] pem) {
        context.key(pem);
        return self();
    }

    /** {@link SecureContextOptions#key()}: see {@link SecureContextOptions.Builder#key}. */
    public B key(Path pemFile) {
        context.key(pemFile);
        return self();
    }

    /** {@link SecureContextOptions#key()}: see {@link SecureContextOptions.Builder#key}. */
    public B key(String pem, String passphrase) {
        context.key(pem, passphrase);
        return self();
    }

    /** {@link SecureContextOptions#key()}: see {@link SecureContextOptions.Builder#key}. */
    public B key(List<SecureContextOptions.KeyPem> keys) {
        context.key(keys);
        return self();
    }

    /** {@link SecureContextOptions#key()}: see {@link SecureContextOptions.Builder#addKey}. */
    public B addKey(String pem) {
        context.addKey(pem);
        return self();
    }

    /** {@link SecureContextOptions#key()}: see {@link SecureContextOptions.Builder#addKey}. */
    public B addKey(String pem, String passphrase) {
        context.addKey(pem, passphrase);
        return self();
    }

    /** {@link SecureContextOptions#key()}: see {@link SecureContextOptions.Builder#addKey}. */
    public B addKey(SecureContextOptions.KeyPem keyPem) {
        context.addKey(keyPem);
        return self();
    }

    /**
     * {@link SecureContextOptions#keyEntries()} from a keystore entry: see
     * {@link SecureContextOptions.Builder#keyStore(KeyStore, char[], String)}.
     *
     * @param keyStore a loaded keystore (PKCS#12, JKS, ...)
     * @param password the key's password, used now and not kept
     * @param alias    the entry, or null for the only private key entry
     * @return this builder
     */
    public B keyStore(KeyStore keyStore, char[] password, String alias) {
        context.keyStore(keyStore, password, alias);
        return self();
    }

    /**
     * {@link SecureContextOptions#keyEntries()} from a keystore file: see
     * {@link SecureContextOptions.Builder#keyStore(Path, char[], String)}.
     *
     * @param file     a PKCS#12 or JKS file
     * @param password the store's password, also the key's
     * @param alias    the entry, or null for the only private key entry
     * @return this builder
     */
    public B keyStore(Path file, char[] password, String alias) {
        context.keyStore(file, password, alias);
        return self();
    }

    /**
     * {@link SecureContextOptions#keyEntries()}: one Java key and its chain.
     *
     * @param privateKey an exportable (PKCS#8) private key
     * @param chain      its certificate first, then the intermediates
     * @return this builder
     */
    public B key(PrivateKey privateKey, X509Certificate... chain) {
        context.key(privateKey, chain);
        return self();
    }

    /**
     * Sets {@link SecureContextOptions#keyEntries()}.
     *
     * @param entries keys with their chains, or null for none
     * @return this builder
     */
    public B keyEntries(List<PrivateKeyEntry> entries) {
        context.keyEntries(entries);
        return self();
    }

    /**
     * Appends to {@link SecureContextOptions#keyEntries()}.
     *
     * @param entry a key and its chain
     * @return this builder
     */
    public B addKeyEntry(PrivateKeyEntry entry) {
        context.addKeyEntry(entry);
        return self();
    }

    /**
     * {@link SecureContextOptions#ca()} from a Java trust store's certificate entries: see
     * {@link SecureContextOptions.Builder#ca(KeyStore)}.
     *
     * @param trustStore a loaded keystore, or null for the default roots
     * @return this builder
     */
    public B ca(KeyStore trustStore) {
        context.ca(trustStore);
        return self();
    }

    /**
     * {@link SecureContextOptions#ca()}: these certificates.
     *
     * @param certificates the trusted certificates
     * @return this builder
     */
    public B ca(X509Certificate... certificates) {
        context.ca(certificates);
        return self();
    }

    /**
     * Appends a certificate to {@link SecureContextOptions#ca()}.
     *
     * @param certificate a trusted certificate
     * @return this builder
     */
    public B addCa(X509Certificate certificate) {
        context.addCa(certificate);
        return self();
    }

    /** {@link SecureContextOptions#passphrase()}: see {@link SecureContextOptions.Builder#passphrase}. */
    public B passphrase(String passphrase) {
        context.passphrase(passphrase);
        return self();
    }

    /** {@link SecureContextOptions#pfx()}: see {@link SecureContextOptions.Builder#pfx}. */
    public B pfx(byte[] der) {
        context.pfx(der);
        return self();
    }

    /** {@link SecureContextOptions#pfx()}: see {@link SecureContextOptions.Builder#pfx}. */
    public B pfx(Path file) {
        context.pfx(file);
        return self();
    }

    /** {@link SecureContextOptions#pfx()}: see {@link SecureContextOptions.Builder#pfx}. */
    public B pfx(byte[] der, String passphrase) {
        context.pfx(der, passphrase);
        return self();
    }

    /** {@link SecureContextOptions#pfx()}: see {@link SecureContextOptions.Builder#pfx}. */
    public B pfx(List<SecureContextOptions.Pfx> entries) {
        context.pfx(entries);
        return self();
    }

    /** {@link SecureContextOptions#pfx()}: see {@link SecureContextOptions.Builder#addPfx}. */
    public B addPfx(SecureContextOptions.Pfx entry) {
        context.addPfx(entry);
        return self();
    }

    /** {@link SecureContextOptions#ciphers()}: see {@link SecureContextOptions.Builder#ciphers}. */
    public B ciphers(String ciphers) {
        context.ciphers(ciphers);
        return self();
    }

    /** {@link SecureContextOptions#crl()}: see {@link SecureContextOptions.Builder#crl}. */
    public B crl(String pem) {
        context.crl(pem);
        return self();
    }

    /** {@link SecureContextOptions#crl()}: see {@link SecureContextOptions.Builder#crl}. */
    public B crl(byte[] pem) {
        context.crl(pem);
        return self();
    }

    /** {@link SecureContextOptions#crl()}: see {@link SecureContextOptions.Builder#crl}. */
    public B crl(List<String> pems) {
        context.crl(pems);
        return self();
    }

    /** {@link SecureContextOptions#crl()}: see {@link SecureContextOptions.Builder#addCrl}. */
    public B addCrl(String pem) {
        context.addCrl(pem);
        return self();
    }

    /** {@link SecureContextOptions#dhparam()}: see {@link SecureContextOptions.Builder#dhparam}. */
    public B dhparam(String pemOrAuto) {
        context.dhparam(pemOrAuto);
        return self();
    }

    /** {@link SecureContextOptions#dhparam()}: see {@link SecureContextOptions.Builder#dhparam}. */
    public B dhparam(byte[] pem) {
        context.dhparam(pem);
        return self();
    }

    /** {@link SecureContextOptions#dhparam()}: see {@link SecureContextOptions.Builder#dhparam}. */
    public B dhparam(Path pemFile) {
        context.dhparam(pemFile);
        return self();
    }

    /** {@link SecureContextOptions#ecdhCurve()}: see {@link SecureContextOptions.Builder#ecdhCurve}. */
    public B ecdhCurve(String ecdhCurve) {
        context.ecdhCurve(ecdhCurve);
        return self();
    }

    /** {@link SecureContextOptions#honorCipherOrder()}: see {@link SecureContextOptions.Builder#honorCipherOrder}. */
    public B honorCipherOrder(Boolean honorCipherOrder) {
        context.honorCipherOrder(honorCipherOrder);
        return self();
    }

    /** {@link SecureContextOptions#minVersion()}: see {@link SecureContextOptions.Builder#minVersion}. */
    public B minVersion(String minVersion) {
        context.minVersion(minVersion);
        return self();
    }

    /** {@link SecureContextOptions#maxVersion()}: see {@link SecureContextOptions.Builder#maxVersion}. */
    public B maxVersion(String maxVersion) {
        context.maxVersion(maxVersion);
        return self();
    }

    /** {@link SecureContextOptions#secureOptions()}: see {@link SecureContextOptions.Builder#secureOptions}. */
    public B secureOptions(long secureOptions) {
        context.secureOptions(secureOptions);
        return self();
    }

    /** {@link SecureContextOptions#secureProtocol()}: see {@link SecureContextOptions.Builder#secureProtocol}. */
    public B secureProtocol(String secureProtocol) {
        context.secureProtocol(secureProtocol);
        return self();
    }

    /** {@link SecureContextOptions#sessionIdContext()}: see {@link SecureContextOptions.Builder#sessionIdContext}. */
    public B sessionIdContext(String sessionIdContext) {
        context.sessionIdContext(sessionIdContext);
        return self();
    }

    /** {@link SecureContextOptions#sessionTimeout()}: see {@link SecureContextOptions.Builder#sessionTimeout}. */
    public B sessionTimeout(Integer seconds) {
        context.sessionTimeout(seconds);
        return self();
    }

    /** {@link SecureContextOptions#ticketKeys()}: see {@link SecureContextOptions.Builder#ticketKeys}. */
    public B ticketKeys(byte[] ticketKeys) {
        context.ticketKeys(ticketKeys);
        return self();
    }

    /** {@link SecureContextOptions#sigalgs()}: see {@link SecureContextOptions.Builder#sigalgs}. */
    public B sigalgs(String sigalgs) {
        context.sigalgs(sigalgs);
        return self();
    }

    /** {@link SecureContextOptions#clientCertEngine()}: see {@link SecureContextOptions.Builder#clientCertEngine}. */
    public B clientCertEngine(String engineId) {
        context.clientCertEngine(engineId);
        return self();
    }

    /** {@link SecureContextOptions#privateKeyEngine()}: see {@link SecureContextOptions.Builder#privateKeyEngine}. */
    public B privateKeyEngine(String engineId) {
        context.privateKeyEngine(engineId);
        return self();
    }

    /** {@link SecureContextOptions#privateKeyIdentifier()}: see {@link SecureContextOptions.Builder#privateKeyIdentifier}. */
    public B privateKeyIdentifier(String keyId) {
        context.privateKeyIdentifier(keyId);
        return self();
    }

    /** {@link SecureContextOptions#allowPartialTrustChain()}. */
    public B allowPartialTrustChain(boolean allow) {
        context.allowPartialTrustChain(allow);
        return self();
    }
}
