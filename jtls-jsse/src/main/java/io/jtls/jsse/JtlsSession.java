package io.jtls.jsse;

import java.security.Principal;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSessionBindingEvent;
import javax.net.ssl.SSLSessionBindingListener;
import javax.net.ssl.SSLSessionContext;

/**
 * What an engine negotiated, as JSSE shows it: a snapshot filled in while the handshake runs (the
 * handshake session, which trust managers read for the peer's host and requested server names)
 * and complete once it finished. Values are copied out of OpenSSL, so the session stays readable
 * after the engine was closed. Before any handshake an engine's session is {@link #initial} (suite
 * {@code SSL_NULL_WITH_NULL_NULL}, protocol {@code NONE}), as SunJSSE's.
 */
final class JtlsSession extends ExtendedSSLSession {
    /** SunJSSE's sizes: a record's plaintext (2^14) and that plus the largest overhead. */
    static final int APPLICATION_BUFFER_SIZE = 16384;
    static final int PACKET_BUFFER_SIZE = 16384 + 325;

    /**
     * Signature schemes OpenSSL 3 handles, as the Java algorithm names JSSE uses, for trust managers that check
     * algorithm constraints against them.
     */
    private static final String[] SIGNATURE_SCHEMES = {"SHA256withECDSA", "SHA384withECDSA", "SHA512withECDSA",
        "Ed25519", "Ed448", "RSASSA-PSS", "SHA256withRSA", "SHA384withRSA", "SHA512withRSA", "SHA224withECDSA",
        "SHA224withRSA", "SHA1withECDSA", "SHA1withRSA"};

    private final String peerHost;
    private final int peerPort;
    private final long creationTime = System.currentTimeMillis();
    private volatile long lastAccessedTime = creationTime;
    private final Map<String, Object> values = new ConcurrentHashMap<>();
    private volatile byte[] id = new byte[0];
    private volatile String protocol = "NONE";
    private volatile String cipherSuite = "SSL_NULL_WITH_NULL_NULL";
    private volatile X509Certificate[] peerCertificates;
    private volatile X509Certificate[] localCertificates;
    private volatile List<SNIServerName> requestedServerNames = List.of();
    private volatile List<byte[]> statusResponses = List.of();
    private volatile boolean valid = true;
    private volatile SSLSessionContext context;

    JtlsSession(String peerHost, int peerPort) {
        this.peerHost = peerHost;
        this.peerPort = peerPort;
    }

    /** The session of an engine that has not handshaken. */
    static JtlsSession initial(String peerHost, int peerPort) {
        JtlsSession session = new JtlsSession(peerHost, peerPort);
        session.valid = false;
        return session;
    }

    void setId(byte[] value) {
        id = value.clone();
    }

    void setProtocol(String value) {
        protocol = value;
    }

    void setCipherSuite(String value) {
        cipherSuite = value;
    }

    void setPeerCertificates(X509Certificate[] value) {
        peerCertificates = value == null || value.length == 0 ? null : value.clone();
    }

    void setLocalCertificates(X509Certificate[] value) {
        localCertificates = value == null || value.length == 0 ? null : value.clone();
    }

    void setRequestedServerNames(List<SNIServerName> value) {
        requestedServerNames = List.copyOf(value);
    }

    void setContext(SSLSessionContext value) {
        context = value;
    }

    void touch() {
        lastAccessedTime = System.currentTimeMillis();
    }

    @Override
    public byte[] getId() {
        return id.clone();
    }

    @Override
    public SSLSessionContext getSessionContext() {
        return context;
    }

    @Override
    public long getCreationTime() {
        return creationTime;
    }

    @Override
    public long getLastAccessedTime() {
        return lastAccessedTime;
    }

    @Override
    public void invalidate() {
        valid = false;
    }

    @Override
    public boolean isValid() {
        return valid;
    }

    @Override
    public void putValue(String name, Object value) {
        if (name == null || value == null) {
            throw new IllegalArgumentException("name and value must not be null");
        }
        Object old = values.put(name, value);
        if (old instanceof SSLSessionBindingListener listener) {
            listener.valueUnbound(new SSLSessionBindingEvent(this, name));
        }
        if (value instanceof SSLSessionBindingListener listener) {
            listener.valueBound(new SSLSessionBindingEvent(this, name));
        }
    }

    @Override
    public Object getValue(String name) {
        if (name == null) {
            throw new IllegalArgumentException("name must not be null");
        }
        return values.get(name);
    }

    @Override
    public void removeValue(String name) {
        if (name == null) {
            throw new IllegalArgumentException("name must not be null");
        }
        Object old = values.remove(name);
        if (old instanceof SSLSessionBindingListener listener) {
            listener.valueUnbound(new SSLSessionBindingEvent(this, name));
        }
    }

    @Override
    public String[] getValueNames() {
        return values.keySet().toArray(String[]::new);
    }

    @Override
    public Certificate[] getPeerCertificates() throws SSLPeerUnverifiedException {
        X509Certificate[] certificates = peerCertificates;
        if (certificates == null) {
            throw new SSLPeerUnverifiedException("peer not authenticated");
        }
        return certificates.clone();
    }

    @Override
    public Certificate[] getLocalCertificates() {
        X509Certificate[] certificates = localCertificates;
        return certificates == null ? null : certificates.clone();
    }

    @Override
    public Principal getPeerPrincipal() throws SSLPeerUnverifiedException {
        X509Certificate[] certificates = peerCertificates;
        if (certificates == null) {
            throw new SSLPeerUnverifiedException("peer not authenticated");
        }
        return certificates[0].getSubjectX500Principal();
    }

    @Override
    public Principal getLocalPrincipal() {
        X509Certificate[] certificates = localCertificates;
        return certificates == null ? null : certificates[0].getSubjectX500Principal();
    }

    @Override
    public String getCipherSuite() {
        return cipherSuite;
    }

    @Override
    public String getProtocol() {
        return protocol;
    }

    @Override
    public String getPeerHost() {
        return peerHost;
    }

    @Override
    public int getPeerPort() {
        return peerPort;
    }

    @Override
    public int getPacketBufferSize() {
        return PACKET_BUFFER_SIZE;
    }

    @Override
    public int getApplicationBufferSize() {
        return APPLICATION_BUFFER_SIZE;
    }

    @Override
    public String[] getLocalSupportedSignatureAlgorithms() {
        return SIGNATURE_SCHEMES.clone();
    }

    @Override
    public String[] getPeerSupportedSignatureAlgorithms() {
        return SIGNATURE_SCHEMES.clone();
    }

    /**
     * On a client, the OCSP response the server stapled for its certificate (one entry, the
     * leaf's), as SunJSSE gives it: a trust manager that checks revocation reads it from here
     * during the handshake. Empty on a server, when nothing was stapled, or when the client did
     * not ask ({@code jdk.tls.client.enableStatusRequestExtension=false}).
     */
    @Override
    public List<byte[]> getStatusResponses() {
        List<byte[]> responses = statusResponses;
        return responses.isEmpty() ? responses : responses.stream().map(byte[]::clone).toList();
    }

    void setStatusResponses(List<byte[]> value) {
        statusResponses = value;
    }

    @Override
    public List<SNIServerName> getRequestedServerNames() {
        return requestedServerNames;
    }

    @Override
    public String toString() {
        return "JtlsSession[" + protocol + ", " + cipherSuite + "]";
    }
}
