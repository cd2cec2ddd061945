package io.jtls.bench.jsse;

import io.jtls.bench.BenchOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * The JSSE bench server's {@code SSLContext} and {@code SSLParameters}, from server-node.js's
 * options: the same key and certificate files, protocol range and TLS 1.2 suites, given the way
 * a Java user would (a {@code KeyStore} through the JDK's {@code KeyManagerFactory}).
 */
final class JsseBenchContexts {

    /** OpenSSL's names (what the harness passes as {@code --ciphers}) to IANA's (what JSSE takes). */
    private static final Map<String, String> IANA = Map.of(
            "ECDHE-ECDSA-AES128-GCM-SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "ECDHE-ECDSA-AES256-GCM-SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "ECDHE-RSA-AES128-GCM-SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "ECDHE-RSA-AES256-GCM-SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "ECDHE-ECDSA-CHACHA20-POLY1305", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "ECDHE-RSA-CHACHA20-POLY1305", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private JsseBenchContexts() {}

    /** A server context of {@code provider} holding {@code server-<cert>.{key,crt}} from {@code certDir}. */
    static SSLContext serverContext(Provider provider, Path certDir, BenchOptions options)
            throws IOException, GeneralSecurityException {
        List<Certificate> chain = new ArrayList<>(CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(
                        Files.readAllBytes(certDir.resolve("server-" + options.cert() + ".crt")))));
        String pem = Files.readString(certDir.resolve("server-" + options.cert() + ".key"));
        byte[] der = Base64.getMimeDecoder().decode(pem
                .replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").strip());
        PrivateKey key = KeyFactory.getInstance(chain.get(0).getPublicKey().getAlgorithm())
                .generatePrivate(new PKCS8EncodedKeySpec(der));
        char[] password = "bench".toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", key, password, chain.toArray(Certificate[]::new));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS", provider);
        context.init(kmf.getKeyManagers(), null, null);
        return context;
    }

    /**
     * The protocols from {@code --min} to {@code --max}, and for {@code --ciphers} its TLS 1.2
     * suites (mapped to IANA names) beside the context's TLS 1.3 suites: like Node, the list
     * restricts TLS 1.2 only.
     */
    static SSLParameters parameters(SSLContext context, BenchOptions options) {
        SSLParameters parameters = context.getDefaultSSLParameters();
        List<String> protocols = new ArrayList<>();
        for (String p : List.of("TLSv1.2", "TLSv1.3")) {
            if (p.compareTo(options.minVersion()) >= 0 && p.compareTo(options.maxVersion()) <= 0) protocols.add(p);
        }
        if (protocols.isEmpty()) throw new IllegalArgumentException("no protocol between --min and --max");
        parameters.setProtocols(protocols.toArray(String[]::new));
        if (!options.ciphers().isEmpty()) {
            List<String> suites = new ArrayList<>();
            for (String s : parameters.getCipherSuites()) {
                if (s.startsWith("TLS_AES_") || s.startsWith("TLS_CHACHA20_")) suites.add(s);
            }
            for (String name : options.ciphers().split(":")) {
                String iana = name.startsWith("TLS_") ? name : IANA.get(name);
                if (iana == null) throw new IllegalArgumentException("--ciphers: no IANA name known for " + name);
                suites.add(iana);
            }
            parameters.setCipherSuites(suites.toArray(String[]::new));
        }
        return parameters;
    }
}
