package io.jtls.jsse.jetty;

import io.jtls.jsse.JtlsProvider;
import io.jtls.pki.HeldCertificate;
import java.io.ByteArrayInputStream;
import java.security.KeyStore;
import java.security.Provider;
import java.security.cert.CertificateFactory;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Certificates (made with io.jtls.pki) and JSSE contexts for the Jetty tests. */
final class JettyTls {
    private JettyTls() {}

    static final HeldCertificate ROOT = HeldCertificate.builder().commonName("Jetty Test Root")
            .certificateAuthority(1).ec("prime256v1").build();
    static final HeldCertificate SERVER = HeldCertificate.builder().commonName("localhost")
            .addSubjectAltName("localhost").addSubjectAltName("127.0.0.1").ec("prime256v1").signedBy(ROOT).build();

    /** A jtls server context holding {@link #SERVER}, its key managers the JDK's PKIX ones. */
    static SSLContext jtlsServer() throws Exception {
        KeyStore one = KeyStore.getInstance("PKCS12");
        one.load(new ByteArrayInputStream(SERVER.pkcs12("pw")), "pw".toCharArray());
        KeyManagerFactory keys = KeyManagerFactory.getInstance("PKIX");
        keys.init(one, "pw".toCharArray());
        SSLContext context = SSLContext.getInstance("TLS", new JtlsProvider());
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    /** A client context of {@code provider} trusting {@link #ROOT}. */
    static SSLContext client(Provider provider) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(ROOT.certificateDer())));
        TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS", provider);
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    /** The JDK's own provider (SunJSSE). */
    static Provider jdk() throws Exception {
        return SSLContext.getInstance("TLS").getProvider();
    }
}
