package io.jtls.context;

import io.jtls.error.TlsArgumentException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * A private key and its certificate chain as Java holds them (a {@link java.security.KeyStore}
 * entry, or a key and certificates from anywhere else): jtls's counterpart of a {@code key} and
 * {@code cert} pair in PEM, for {@link SecureContextOptions#keyEntries()}.
 *
 * <p>The key stays the caller's object: it is encoded (PKCS#8 DER, {@link PrivateKey#getEncoded()})
 * only when a context is built, handed to OpenSSL, and the encoded bytes are overwritten with
 * zeros right after, in Java and in native memory. So the entry never holds a copy of the key
 * bytes, and building a context leaves none behind. The key must be exportable
 * ({@code getFormat()} is {@code "PKCS#8"}): keys that stay in a token (PKCS#11) cannot be
 * given to OpenSSL this way.
 *
 * @param key   the private key; its format must be {@code PKCS#8}
 * @param chain the certificate of {@code key} first, then its intermediates (not the root); at
 *              least one certificate
 */
public record PrivateKeyEntry(PrivateKey key, List<X509Certificate> chain) {
    /**
     * Checks the entry.
     *
     * @throws TlsArgumentException {@code ERR_INVALID_ARG_VALUE} for a key that cannot be
     *                              exported, or an empty chain
     * @throws NullPointerException for a null key, chain or certificate
     */
    public PrivateKeyEntry {
        Objects.requireNonNull(key, "key");
        chain = List.copyOf(Objects.requireNonNull(chain, "chain"));
        if (chain.isEmpty()) {
            throw new TlsArgumentException("ERR_INVALID_ARG_VALUE",
                    "The property 'options.keyEntries' is invalid. Received a " + key.getAlgorithm()
                            + " key without its certificate");
        }
        if (!"PKCS#8".equals(key.getFormat())) {
            throw new TlsArgumentException("ERR_INVALID_ARG_VALUE",
                    "The property 'options.keyEntries' is invalid. Received a " + key.getAlgorithm()
                            + " key whose encoding is " + key.getFormat()
                            + ": OpenSSL needs the key's PKCS#8 bytes (a key kept in a token cannot be used)");
        }
    }

    /**
     * A key and its chain given as an array.
     *
     * @param key   the private key
     * @param chain the key's certificate first, then its intermediates
     * @return the entry
     */
    public static PrivateKeyEntry of(PrivateKey key, X509Certificate... chain) {
        return new PrivateKeyEntry(key, List.of(Objects.requireNonNull(chain, "chain")));
    }

    /**
     * The key's certificate, the first of {@link #chain()}.
     *
     * @return the leaf certificate
     */
    public X509Certificate certificate() {
        return chain.getFirst();
    }

    /** Names the key's algorithm and the certificate's subject, never the key. */
    @Override
    public String toString() {
        return "PrivateKeyEntry[" + key.getAlgorithm() + " key, " + certificate().getSubjectX500Principal().getName()
                + (chain.size() > 1 ? " + " + (chain.size() - 1) + " more" : "") + "]";
    }
}
