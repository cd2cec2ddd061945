package io.jtls.context;

import io.jtls.error.TlsArgumentException;
import io.jtls.error.TlsException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;

/**
 * Key material out of a {@link KeyStore} for the secure-context builder: the private key entry
 * of an alias, and the trusted certificates as PEM. Keystore problems become jtls errors naming
 * the option and the alias, never the password.
 */
final class KeyStores {
    private KeyStores() {}

    /** Reads a keystore file of any type the JDK detects (PKCS#12, JKS). */
    static KeyStore load(Path file, char[] password, String option) {
        try {
            return KeyStore.getInstance(file.toFile(), password);
        } catch (IOException e) {
            // A wrong password shows as an IOException whose cause is UnrecoverableKeyException.
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new TlsException("ERR_OSSL_BAD_DECRYPT", "bad decrypt; " + option + " (" + file
                        + "): the keystore password is wrong", e);
            }
            String code = file.toFile().exists() ? "EIO" : "ENOENT";
            throw new TlsException(code, code + ": " + e.getMessage() + "; " + option + " (" + file + ")", e);
        } catch (GeneralSecurityException e) {
            throw new TlsException("ERR_INVALID_ARG_VALUE", option + " (" + file + "): " + e.getMessage(), e);
        }
    }

    /**
     * The private key entry {@code alias} of {@code store} (null: the only one there is), its
     * key recovered with {@code password}.
     */
    static PrivateKeyEntry privateKeyEntry(KeyStore store, char[] password, String alias) {
        String name = alias;
        try {
            if (name == null) {
                name = onlyKeyAlias(store);
            }
            if (!store.isKeyEntry(name)) {
                throw invalid("options.keyStore", "alias '" + name + "' is not a private key entry; aliases: "
                        + Collections.list(store.aliases()));
            }
            Key key = store.getKey(name, password);
            if (!(key instanceof PrivateKey privateKey)) {
                throw invalid("options.keyStore", "alias '" + name + "' holds a " + (key == null ? "no" : key.getAlgorithm())
                        + " secret key, not a private key");
            }
            Certificate[] chain = store.getCertificateChain(name);
            List<X509Certificate> x509 = new ArrayList<>();
            for (Certificate c : chain == null ? new Certificate[0] : chain) {
                if (!(c instanceof X509Certificate x)) {
                    throw invalid("options.keyStore", "alias '" + name + "' has a " + c.getType() + " certificate");
                }
                x509.add(x);
            }
            return new PrivateKeyEntry(privateKey, x509);
        } catch (UnrecoverableKeyException e) {
            throw new TlsException("ERR_OSSL_BAD_DECRYPT", "bad decrypt; options.keyStore: the key of alias '"
                    + name + "' cannot be recovered with the password given", e);
        } catch (KeyStoreException e) {
            throw invalid("options.keyStore", "the KeyStore is not loaded (" + e.getMessage() + ")");
        } catch (GeneralSecurityException e) {
            throw new TlsException("ERR_INVALID_ARG_VALUE", "options.keyStore: " + e.getMessage(), e);
        }
    }

    private static String onlyKeyAlias(KeyStore store) throws KeyStoreException {
        List<String> keys = new ArrayList<>();
        for (String a : Collections.list(store.aliases())) {
            if (store.isKeyEntry(a)) {
                keys.add(a);
            }
        }
        if (keys.size() != 1) {
            throw invalid("options.keyStore", (keys.isEmpty() ? "no private key entry" : "several private key entries "
                    + keys + ": name one with an alias"));
        }
        return keys.getFirst();
    }

    /**
     * The trusted certificate entries of {@code store} as PEM, as the JDK's PKIX trust manager
     * takes them from a trust store (private key entries are not trust anchors).
     */
    static List<byte[]> trustedCertificates(KeyStore store) {
        try {
            List<byte[]> pems = new ArrayList<>();
            for (String a : Collections.list(store.aliases())) {
                if (store.isCertificateEntry(a) && store.getCertificate(a) instanceof X509Certificate x) {
                    pems.add(pem(x, "options.ca"));
                }
            }
            return pems;
        } catch (KeyStoreException e) {
            throw invalid("options.ca", "the KeyStore is not loaded (" + e.getMessage() + ")");
        }
    }

    /** One certificate as PEM text (certificates are public: the PEM may live as long as the options). */
    static byte[] pem(X509Certificate certificate, String option) {
        try {
            String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(certificate.getEncoded());
            return ("-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----\n").getBytes(StandardCharsets.US_ASCII);
        } catch (CertificateEncodingException e) {
            throw invalid(option, "a certificate cannot be encoded (" + e.getMessage() + ")");
        }
    }

    private static TlsArgumentException invalid(String option, String what) {
        return new TlsArgumentException("ERR_INVALID_ARG_VALUE", "The property '" + option + "' is invalid. Received " + what);
    }
}
