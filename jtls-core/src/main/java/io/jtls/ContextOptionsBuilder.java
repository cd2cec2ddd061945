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

    /**
     * Replaces every secure-context option with those of {@code options}.
     *
     * @param options the options
     * @return this builder
     */
    public B secureContextOptions(SecureContextOptions options) {
        context = Objects.requireNonNull(options, "options").toBuilder();
        return self();
    }

    /**
     * The secure-context options set so far.
     *
     * @return the secure-context options set so far
     */
    public SecureContextOptions secureContextOptions() {
        return context.build();
    }

    /**
     * {@link SecureContextOptions#ca()}: see {@link SecureContextOptions.Builder#ca}.
     *
     * @param pem the PEM text
     * @return this builder
     */
    public B ca(String pem) {
        context.ca(pem);
        return self();
    }

    /**
     * {@link SecureContextOptions#ca()}: see {@link SecureContextOptions.Builder#ca}.
     *
     * @param pem the PEM text
     * @return this builder
     */
    public B ca(byte[] pem) {
        context.ca(pem);
        return self();
    }

    /**
     * {@link SecureContextOptions#ca()}: see {@link SecureContextOptions.Builder#ca}.
     *
     * @param pemFile the PEM file, read now
     * @return this builder
     */
    public B ca(Path pemFile) {
        context.ca(pemFile);
        return self();
    }

    /**
     * {@link SecureContextOptions#ca()}: see {@link SecureContextOptions.Builder#ca}.
     *
     * @param pems the PEM texts
     * @return this builder
     */
    public B ca(List<String> pems) {
        context.ca(pems);
        return self();
    }

    /**
     * {@link SecureContextOptions#ca()}: see {@link SecureContextOptions.Builder#caBytes}.
     *
     * @param pems the PEM texts
     * @return this builder
     */
    public B caBytes(List<byte[]> pems) {
        context.caBytes(pems);
        return self();
    }

    /**
     * {@link SecureContextOptions#ca()}: see {@link SecureContextOptions.Builder#addCa}.
     *
     * @param pem the PEM text
     * @return this builder
     */
    public B addCa(String pem) {
        context.addCa(pem);
        return self();
    }

    /**
     * {@link SecureContextOptions#ca()}: see {@link SecureContextOptions.Builder#addCa}.
     *
     * @param pem the PEM text
     * @return this builder
     */
    public B addCa(byte[] pem) {
        context.addCa(pem);
        return self();
    }

    /**
     * {@link SecureContextOptions#cert()}: see {@link SecureContextOptions.Builder#cert}.
     *
     * @param pem the PEM text
     * @return this builder
     */
    public B cert(String pem) {
        context.cert(pem);
        return self();
    }

    /**
     * {@link SecureContextOptions#cert()}: see {@link SecureContextOptions.Builder#cert}.
     *
     * @param pem the PEM text
     * @return this builder
     */
    public B cert(byte[] pem) {
        context.cert(pem);
        return self();
    }

    /**
     * {@link SecureContextOptions#cert()}: see {@link SecureContextOptions.Builder#cert}.
     *
     * @param pemFile the PEM file, read now
     * @return this builder
     */
    public B cert(Path pemFile) {
        context.cert(pemFile);
        return self();
    }

    /**
     * {@link SecureContextOptions#cert()}: see {@link SecureContextOptions.Builder#cert}.
     *
     * @param pems the PEM texts
     * @return this builder
     */
    public B cert(List<String> pems) {
        context.cert(pems);
        return self();
    }

    /**
     * {@link SecureContextOptions#cert()}: see {@link SecureContextOptions.Builder#certBytes}.
     *
     * @param pems the PEM texts
     * @return this builder
     */
    public B certBytes(List<byte[]> pems) {
        context.certBytes(pems);
        return self();
    }

    /**
     * {@link SecureContextOptions#cert()}: see {@link SecureContextOptions.Builder#addCert}.
     *
     * @param pem the PEM text
     * @return this builder
     */
    public B addCert(String pem) {
        context.addCert(pem);
        return self();
    }

    /**
     * {@link SecureContextOptions#cert()}: see {@link SecureContextOptions.Builder#addCert}.
     *
     * @param pem the PEM text
     * @return this builder
     */
    public B addCert(byte[] pem) {
        context.addCert(pem);
        return self();
    }

    /**
     * {@link SecureContextOptions#key()}: see {@link SecureContextOptions.Builder#key}.
     *
     * @param pem the PEM text
     * @return this builder
     */
    public B key(String pem) {
        context.key(pem);
        return self();
    }

    /**
     * {@link SecureContextOptions#key()}: see {@link SecureContextOptions.Builder#key}.
     *
     * @param pem the PEM text
     * @return this builder
     */
    public B key(byte[] pem) {
        context.key(pem);
        return self();
    }

    /**
     * {@link SecureContextOptions#key()}: see {@link SecureContextOptions.Builder#key}.
     *
     * @param pemFile the PEM file, read now
     * @return this builder
     */
    public B key(Path pemFile) {
        context.key(pemFile);
        return self();
    }

    /**
     * {@link SecureContextOptions#key()}: see {@link SecureContextOptions.Builder#key}.
     *
     * @param pem the PEM text
     * @param passphrase the passphrase, or null for none
     * @return this builder
     */
    public B key(String pem, String passphrase) {
        context.key(pem, passphrase);
        return self();
    }

    /**
     * {@link SecureContextOptions#key()}: see {@link SecureContextOptions.Builder#key}.
     *
     * @param keys the keys
     * @return this builder
     */
    public B key(List<SecureContextOptions.KeyPem> keys) {
        context.key(keys);
        return self();
    }

    /**
     * {@link SecureContextOptions#key()}: see {@link SecureContextOptions.Builder#addKey}.
     *
     * @param pem the PEM text
     * @return this builder
     */
    public B addKey(String pem) {
        context.addKey(pem);
        return self();
    }

    /**
     * {@link SecureContextOptions#key()}: see {@link SecureContextOptions.Builder#addKey}.
     *
     * @param pem the PEM text
     * @param passphrase the passphrase, or null for none
     * @return this builder
     */
    public B addKey(String pem, String passphrase) {
        context.addKey(pem, passphrase);
        return self();
    }

    /**
     * {@link SecureContextOptions#key()}: see {@link SecureContextOptions.Builder#addKey}.
     *
     * @param keyPem the key and its passphrase
     * @return this builder
     */
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

    /**
     * {@link SecureContextOptions#passphrase()}: see {@link SecureContextOptions.Builder#passphrase}.
     *
     * @param passphrase the passphrase, or null for none
     * @return this builder
     */
    public B passphrase(String passphrase) {
        context.passphrase(passphrase);
        return self();
    }

    /**
     * {@link SecureContextOptions#pfx()}: see {@link SecureContextOptions.Builder#pfx}.
     *
     * @param der the DER bytes
     * @return this builder
     */
    public B pfx(byte[] der) {
        context.pfx(der);
        return self();
    }

    /**
     * {@link SecureContextOptions#pfx()}: see {@link SecureContextOptions.Builder#pfx}.
     *
     * @param file the file
     * @return this builder
     */
    public B pfx(Path file) {
        context.pfx(file);
        return self();
    }

    /**
     * {@link SecureContextOptions#pfx()}: see {@link SecureContextOptions.Builder#pfx}.
     *
     * @param der the DER bytes
     * @param passphrase the passphrase, or null for none
     * @return this builder
     */
    public B pfx(byte[] der, String passphrase) {
        context.pfx(der, passphrase);
        return self();
    }

    /**
     * {@link SecureContextOptions#pfx()}: see {@link SecureContextOptions.Builder#pfx}.
     *
     * @param entries the entries
     * @return this builder
     */
    public B pfx(List<SecureContextOptions.Pfx> entries) {
        context.pfx(entries);
        return self();
    }

    /**
     * {@link SecureContextOptions#pfx()}: see {@link SecureContextOptions.Builder#addPfx}.
     *
     * @param entry the entry
     * @return this builder
     */
    public B addPfx(SecureContextOptions.Pfx entry) {
        context.addPfx(entry);
        return self();
    }

    /**
     * {@link SecureContextOptions#ciphers()}: see {@link SecureContextOptions.Builder#ciphers}.
     *
     * @param ciphers the ciphers
     * @return this builder
     */
    public B ciphers(String ciphers) {
        context.ciphers(ciphers);
        return self();
    }

    /**
     * {@link SecureContextOptions#crl()}: see {@link SecureContextOptions.Builder#crl}.
     *
     * @param pem the PEM text
     * @return this builder
     */
    public B crl(String pem) {
        context.crl(pem);
        return self();
    }

    /**
     * {@link SecureContextOptions#crl()}: see {@link SecureContextOptions.Builder#crl}.
     *
     * @param pem the PEM text
     * @return this builder
     */
    public B crl(byte[] pem) {
        context.crl(pem);
        return self();
    }

    /**
     * {@link SecureContextOptions#crl()}: see {@link SecureContextOptions.Builder#crl}.
     *
     * @param pems the PEM texts
     * @return this builder
     */
    public B crl(List<String> pems) {
        context.crl(pems);
        return self();
    }

    /**
     * {@link SecureContextOptions#crl()}: see {@link SecureContextOptions.Builder#addCrl}.
     *
     * @param pem the PEM text
     * @return this builder
     */
    public B addCrl(String pem) {
        context.addCrl(pem);
        return self();
    }

    /**
     * {@link SecureContextOptions#dhparam()}: see {@link SecureContextOptions.Builder#dhparam}.
     *
     * @param pemOrAuto PEM text, or {@code "auto"}
     * @return this builder
     */
    public B dhparam(String pemOrAuto) {
        context.dhparam(pemOrAuto);
        return self();
    }

    /**
     * {@link SecureContextOptions#dhparam()}: see {@link SecureContextOptions.Builder#dhparam}.
     *
     * @param pem the PEM text
     * @return this builder
     */
    public B dhparam(byte[] pem) {
        context.dhparam(pem);
        return self();
    }

    /**
     * {@link SecureContextOptions#dhparam()}: see {@link SecureContextOptions.Builder#dhparam}.
     *
     * @param pemFile the PEM file, read now
     * @return this builder
     */
    public B dhparam(Path pemFile) {
        context.dhparam(pemFile);
        return self();
    }

    /**
     * {@link SecureContextOptions#ecdhCurve()}: see {@link SecureContextOptions.Builder#ecdhCurve}.
     *
     * @param ecdhCurve the curve names, colon-separated, or {@code "auto"}
     * @return this builder
     */
    public B ecdhCurve(String ecdhCurve) {
        context.ecdhCurve(ecdhCurve);
        return self();
    }

    /**
     * {@link SecureContextOptions#honorCipherOrder()}: see {@link SecureContextOptions.Builder#honorCipherOrder}.
     *
     * @param honorCipherOrder the honor cipher order
     * @return this builder
     */
    public B honorCipherOrder(Boolean honorCipherOrder) {
        context.honorCipherOrder(honorCipherOrder);
        return self();
    }

    /**
     * {@link SecureContextOptions#minVersion()}: see {@link SecureContextOptions.Builder#minVersion}.
     *
     * @param minVersion the min version
     * @return this builder
     */
    public B minVersion(String minVersion) {
        context.minVersion(minVersion);
        return self();
    }

    /**
     * {@link SecureContextOptions#maxVersion()}: see {@link SecureContextOptions.Builder#maxVersion}.
     *
     * @param maxVersion the max version
     * @return this builder
     */
    public B maxVersion(String maxVersion) {
        context.maxVersion(maxVersion);
        return self();
    }

    /**
     * {@link SecureContextOptions#secureOptions()}: see {@link SecureContextOptions.Builder#secureOptions}.
     *
     * @param secureOptions the secure options
     * @return this builder
     */
    public B secureOptions(long secureOptions) {
        context.secureOptions(secureOptions);
        return self();
    }

    /**
     * {@link SecureContextOptions#secureProtocol()}: see {@link SecureContextOptions.Builder#secureProtocol}.
     *
     * @param secureProtocol the secure protocol
     * @return this builder
     */
    public B secureProtocol(String secureProtocol) {
        context.secureProtocol(secureProtocol);
        return self();
    }

    /**
     * {@link SecureContextOptions#sessionIdContext()}: see {@link SecureContextOptions.Builder#sessionIdContext}.
     *
     * @param sessionIdContext the session id context
     * @return this builder
     */
    public B sessionIdContext(String sessionIdContext) {
        context.sessionIdContext(sessionIdContext);
        return self();
    }

    /**
     * {@link SecureContextOptions#sessionTimeout()}: see {@link SecureContextOptions.Builder#sessionTimeout}.
     *
     * @param seconds the time in seconds
     * @return this builder
     */
    public B sessionTimeout(Integer seconds) {
        context.sessionTimeout(seconds);
        return self();
    }

    /**
     * {@link SecureContextOptions#ticketKeys()}: see {@link SecureContextOptions.Builder#ticketKeys}.
     *
     * @param ticketKeys the ticket keys
     * @return this builder
     */
    public B ticketKeys(byte[] ticketKeys) {
        context.ticketKeys(ticketKeys);
        return self();
    }

    /**
     * {@link SecureContextOptions#sigalgs()}: see {@link SecureContextOptions.Builder#sigalgs}.
     *
     * @param sigalgs the sigalgs
     * @return this builder
     */
    public B sigalgs(String sigalgs) {
        context.sigalgs(sigalgs);
        return self();
    }

    /**
     * {@link SecureContextOptions#clientCertEngine()}: see {@link SecureContextOptions.Builder#clientCertEngine}.
     *
     * @param engineId the OpenSSL engine id
     * @return this builder
     */
    public B clientCertEngine(String engineId) {
        context.clientCertEngine(engineId);
        return self();
    }

    /**
     * {@link SecureContextOptions#privateKeyEngine()}: see {@link SecureContextOptions.Builder#privateKeyEngine}.
     *
     * @param engineId the OpenSSL engine id
     * @return this builder
     */
    public B privateKeyEngine(String engineId) {
        context.privateKeyEngine(engineId);
        return self();
    }

    /**
     * {@link SecureContextOptions#privateKeyIdentifier()}: see {@link SecureContextOptions.Builder#privateKeyIdentifier}.
     *
     * @param keyId the key id
     * @return this builder
     */
    public B privateKeyIdentifier(String keyId) {
        context.privateKeyIdentifier(keyId);
        return self();
    }

    /**
     * {@link SecureContextOptions#allowPartialTrustChain()}.
     *
     * @param allow the allow
     * @return this builder
     */
    public B allowPartialTrustChain(boolean allow) {
        context.allowPartialTrustChain(allow);
        return self();
    }
}
