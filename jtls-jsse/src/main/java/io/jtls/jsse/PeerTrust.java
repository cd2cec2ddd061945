package io.jtls.jsse;

import io.jtls.Tls;
import io.jtls.internal.engine.TlsEngine;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The peer's certificates as JSSE wants them, and the trust manager's verdict on them.
 *
 * <p>Design: OpenSSL never fails a handshake on its own certificate checks (the jtls engine's
 * verify callback accepts everything and keeps the result, as Node's). Instead the engine stops
 * as soon as the peer's chain is known and before any of its own output that follows is
 * released, and runs the trust manager as the engine's delegated task ({@code NEED_TASK}). A
 * rejected chain therefore never lets this side's next flight (a client's key exchange or
 * Finished, a server's Finished or session tickets) reach the peer: the handshake fails here with
 * {@code SSLHandshakeException}. The only peer that has already finished is a TLS 1.3 client whose
 * certificate the server refuses (its Finished comes with its certificate); it sees the
 * connection close.
 */
final class PeerTrust {
    private PeerTrust() {}

    private static final int MAX_CHAIN = 16;

    /** The peer's chain, leaf first, as the peer sent it (completed from the context's trust store); null when none. */
    static X509Certificate[] chain(TlsEngine engine) {
        io.jtls.x509.Certificate certificate = engine.peerCertificate(true);
        if (certificate == null) {
            return null;
        }
        List<X509Certificate> chain = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            byte[] previous = null;
            while (certificate != null && chain.size() < MAX_CHAIN) {
                byte[] der = certificate.raw();
                if (previous != null && Arrays.equals(previous, der)) {
                    break; // a self-signed root links to itself
                }
                chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
                previous = der;
                certificate = certificate.issuerCertificate();
            }
        } catch (CertificateException e) {
            throw new IllegalStateException("OpenSSL's certificate does not parse in Java", e);
        }
        return chain.toArray(X509Certificate[]::new);
    }

    /**
     * JSSE's authType for a server's chain, as SunJSSE passes it: the key exchange of a TLS 1.2
     * suite ({@code ECDHE_RSA}), and {@code UNKNOWN} for TLS 1.3 (no key exchange in the suite;
     * the key usage check then asks for a signing key). While OpenSSL has not made the suite
     * current yet, the TLS 1.2 answer follows from the leaf's key (jtls offers ECDHE suites first).
     */
    static String serverAuthType(String protocol, String cipherSuite, X509Certificate leaf) {
        if ("TLSv1.3".equals(protocol)) {
            return "UNKNOWN";
        }
        int end = cipherSuite == null ? -1 : cipherSuite.indexOf("_WITH_");
        if (end > 4 && !cipherSuite.startsWith("SSL_NULL")) {
            return cipherSuite.substring(4, end);
        }
        return switch (leaf.getPublicKey().getAlgorithm()) {
            case "EC" -> "ECDHE_ECDSA";
            case "RSA", "RSASSA-PSS" -> "ECDHE_RSA";
            default -> "UNKNOWN";
        };
    }

    /** JSSE's authType for a client's chain: the leaf's key algorithm. */
    static String keyAuthType(X509Certificate leaf) {
        String algorithm = leaf.getPublicKey().getAlgorithm();
        return switch (algorithm) {
            case "RSA", "DSA", "EC", "RSASSA-PSS" -> algorithm;
            default -> "UNKNOWN";
        };
    }

    /**
     * Runs the trust manager. An {@link X509ExtendedTrustManager} gets the engine and applies
     * endpoint identification itself; for a plain one this provider checks the host name
     * (jtls's {@code checkServerIdentity}, Node's rules) when "HTTPS" identification is on.
     */
    static void check(X509TrustManager trustManager, X509Certificate[] chain, String authType, boolean checkingServer,
                      SSLEngine engine, String identification, String hostname,
                      io.jtls.x509.Certificate leaf)
            throws CertificateException {
        if (trustManager == null) {
            throw new CertificateException("no trust manager: the SSLContext was initialized without one");
        }
        if (trustManager instanceof X509ExtendedTrustManager extended) {
            if (checkingServer) {
                extended.checkServerTrusted(chain, authType, engine);
            } else {
                extended.checkClientTrusted(chain, authType, engine);
            }
            return;
        }
        if (checkingServer) {
            trustManager.checkServerTrusted(chain, authType);
            if (identification != null && !identification.isEmpty()) {
                if (!"HTTPS".equalsIgnoreCase(identification) && !"LDAPS".equalsIgnoreCase(identification)) {
                    throw new CertificateException("unknown endpoint identification algorithm: " + identification);
                }
                if (hostname == null) {
                    throw new CertificateException("endpoint identification needs the peer's host name");
                }
                Exception mismatch = Tls.checkServerIdentity(hostname, leaf);
                if (mismatch != null) {
                    throw new CertificateException(mismatch.getMessage(), mismatch);
                }
            }
        } else {
            trustManager.checkClientTrusted(chain, authType);
        }
    }
}
