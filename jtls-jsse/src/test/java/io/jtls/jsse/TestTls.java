package io.jtls.jsse;

import io.jtls.pki.HeldCertificate;
import java.io.ByteArrayInputStream;
import java.security.KeyStore;
import java.security.Provider;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/** Certificates (made with io.jtls.pki) and JSSE contexts from either provider, for the jtls-jsse tests. */
final class TestTls {
    private TestTls() {}

    static final HeldCertificate ROOT = HeldCertificate.builder().commonName("JSSE Test Root")
            .certificateAuthority(1).ec("prime256v1").build();
    /** localhost, EC P-256. */
    static final HeldCertificate SERVER = HeldCertificate.builder().commonName("localhost")
            .addSubjectAltName("localhost").addSubjectAltName("127.0.0.1").ec("prime256v1").signedBy(ROOT).build();
    /** localhost, RSA 2048. */
    static final HeldCertificate SERVER_RSA = HeldCertificate.builder().commonName("localhost")
            .addSubjectAltName("localhost").rsa(2048).signedBy(ROOT).build();
    /**
     * www.example.test only: another SNI name, and a host name mismatch for localhost. RSA: the
     * JDK's PKIX key manager ranks an EC server certificate without keyAgreement usage below a
     * perfect match, and then stops looking at the SNI name.
     */
    static final HeldCertificate OTHER_HOST = HeldCertificate.builder().commonName("www.example.test")
            .addSubjectAltName("www.example.test").rsa(2048).signedBy(ROOT).build();
    static final HeldCertificate CLIENT = HeldCertificate.builder().commonName("jsse client")
            .extendedKeyUsage("clientAuth").ec("prime256v1").signedBy(ROOT).build();
    /** Self-signed localhost: trusted by nobody. */
    static final HeldCertificate UNTRUSTED = HeldCertificate.builder().commonName("localhost")
            .addSubjectAltName("localhost").ec("prime256v1").build();

    /** The JDK's provider, the anchor every expectation is first shown true on. */
    static final Provider JDK = sunJsse();
    static final Provider JTLS = new JtlsProvider();

    private static Provider sunJsse() {
        try {
            return SSLContext.getInstance("TLS").getProvider();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String name(Provider provider) {
        return provider == JTLS ? "jtls" : "jdk";
    }

    static KeyManager[] keyManagers(HeldCertificate... identities) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int i = 0;
            for (HeldCertificate identity : identities) {
                KeyStore one = KeyStore.getInstance("PKCS12");
                one.load(new ByteArrayInputStream(identity.pkcs12("pw")), "pw".toCharArray());
                String alias = one.aliases().nextElement();
                store.setKeyEntry("id" + i++, one.getKey(alias, "pw".toCharArray()), "pw".toCharArray(),
                        one.getCertificateChain(alias));
            }
            // PKIX (NewSunX509) chooses per SNI name and checks key usage, as servers configure it.
            KeyManagerFactory factory = KeyManagerFactory.getInstance("PKIX");
            factory.init(store, "pw".toCharArray());
            return factory.getKeyManagers();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static TrustManager[] trustManagers(HeldCertificate... anchors) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int i = 0;
            for (HeldCertificate anchor : anchors) {
                store.setCertificateEntry("ca" + i++, x509(anchor));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(store);
            return factory.getTrustManagers();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static X509Certificate x509(HeldCertificate held) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(held.certificateDer()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static SSLContext context(Provider provider, String protocol, KeyManager[] km, TrustManager[] tm) {
        try {
            SSLContext context = SSLContext.getInstance(protocol, provider);
            context.init(km, tm, null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A server context with {@link #SERVER} that trusts {@link #ROOT} (for client certificates). */
    static SSLContext server(Provider provider) {
        return context(provider, "TLS", keyManagers(SERVER), trustManagers(ROOT));
    }

    /** A client context that trusts {@link #ROOT} and has no certificate. */
    static SSLContext client(Provider provider) {
        return context(provider, "TLS", null, trustManagers(ROOT));
    }
}
