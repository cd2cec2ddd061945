package io.jtls.jsse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLParameters;

/**
 * An engine's JSSE settings ({@code SSLParameters} and the setters beside them), kept as JSSE
 * defines them until the handshake starts, then turned into jtls's: a base context
 * ({@link NativeContexts.Base}) plus per-connection calls on the engine.
 */
final class EngineSettings {
    static final List<String> SUPPORTED_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    /** Accepted in protocol lists for compatibility and ignored: OpenSSL 3 reads no SSLv2 hello. */
    private static final String SSLV2_HELLO = "SSLv2Hello";

    String[] protocols;
    /** True once the application chose the protocols: the client/server defaults no longer apply. */
    boolean protocolsSet;
    String[] cipherSuites;
    boolean needClientAuth;
    boolean wantClientAuth;
    /** Null: not set, a client then derives its SNI name from the peer host, as SunJSSE. */
    List<SNIServerName> serverNames;
    Collection<SNIMatcher> sniMatchers;
    String endpointIdentification;
    String[] applicationProtocols = new String[0];
    boolean useCipherSuitesOrder = true;
    boolean enableSessionCreation = true;
    int maximumPacketSize = JtlsSession.PACKET_BUFFER_SIZE;

    EngineSettings(String[] protocols) {
        this.protocols = protocols.clone();
        this.cipherSuites = CipherSuites.defaults();
    }

    static String[] checkProtocols(String[] protocols) {
        if (protocols == null) {
            throw new IllegalArgumentException("protocols must not be null");
        }
        List<String> result = new ArrayList<>();
        for (String protocol : protocols) {
            if (SSLV2_HELLO.equals(protocol)) {
                continue;
            }
            if (!SUPPORTED_PROTOCOLS.contains(protocol)) {
                throw new IllegalArgumentException("unsupported protocol: " + protocol);
            }
            if (!result.contains(protocol)) {
                result.add(protocol);
            }
        }
        return result.toArray(String[]::new);
    }

    SSLParameters toParameters() {
        SSLParameters p = new SSLParameters(cipherSuites.clone(), protocols.clone());
        if (needClientAuth) {
            p.setNeedClientAuth(true);
        } else if (wantClientAuth) {
            p.setWantClientAuth(true);
        }
        if (serverNames != null) {
            p.setServerNames(serverNames);
        }
        if (sniMatchers != null) {
            p.setSNIMatchers(sniMatchers);
        }
        p.setEndpointIdentificationAlgorithm(endpointIdentification);
        p.setApplicationProtocols(applicationProtocols.clone());
        p.setUseCipherSuitesOrder(useCipherSuitesOrder);
        p.setMaximumPacketSize(maximumPacketSize);
        return p;
    }

    /** JSSE's {@code setSSLParameters}: null or empty values leave a setting alone, as SunJSSE. */
    void apply(SSLParameters p) {
        if (p.getCipherSuites() != null) {
            cipherSuites = CipherSuites.check(p.getCipherSuites());
        }
        if (p.getProtocols() != null) {
            protocols = checkProtocols(p.getProtocols());
            protocolsSet = true;
        }
        if (p.getNeedClientAuth()) {
            needClientAuth = true;
            wantClientAuth = false;
        } else if (p.getWantClientAuth()) {
            wantClientAuth = true;
            needClientAuth = false;
        } else {
            needClientAuth = false;
            wantClientAuth = false;
        }
        if (p.getServerNames() != null) {
            serverNames = List.copyOf(p.getServerNames());
        }
        if (p.getSNIMatchers() != null) {
            sniMatchers = List.copyOf(p.getSNIMatchers());
        }
        endpointIdentification = p.getEndpointIdentificationAlgorithm();
        if (p.getApplicationProtocols() != null) {
            applicationProtocols = p.getApplicationProtocols().clone();
        }
        useCipherSuitesOrder = p.getUseCipherSuitesOrder();
        if (p.getMaximumPacketSize() > 0) {
            maximumPacketSize = p.getMaximumPacketSize();
        }
    }

    /** Node's minVersion and maxVersion for the enabled protocols (the range they span). */
    String minVersion() {
        return Arrays.asList(protocols).contains("TLSv1.2") ? "TLSv1.2" : "TLSv1.3";
    }

    String maxVersion() {
        boolean tls13Suite = Arrays.stream(cipherSuites).anyMatch(CipherSuites::isTls13);
        // Without a TLS 1.3 suite OpenSSL would still use its default ones: TLS 1.3 is off then.
        return Arrays.asList(protocols).contains("TLSv1.3") && tls13Suite ? "TLSv1.3" : "TLSv1.2";
    }

    /** The SNI host name a client sends: the one set, else the peer host when it is a domain name. */
    String clientServerName(String peerHost) {
        if (serverNames != null) {
            for (SNIServerName name : serverNames) {
                if (name instanceof SNIHostName host) {
                    return host.getAsciiName();
                }
            }
            return null;
        }
        return isDomainName(peerHost) ? peerHost : null;
    }

    /** SunJSSE's rule: a name with a dot, not ending with one, and no IP literal. */
    static boolean isDomainName(String host) {
        if (host == null || host.indexOf('.') <= 0 || host.endsWith(".") || host.indexOf(':') >= 0) {
            return false;
        }
        return !host.toLowerCase(Locale.ROOT).matches("[0-9.]+");
    }
}
