package io.jtls.jsse;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyManagementException;
import java.security.KeyStore;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;

/**
 * The jtls {@code SSLContext}: its key and trust managers, its OpenSSL contexts
 * ({@link NativeContexts}) and its session caches. {@code "Default"} initializes itself from the
 * JDK's default key store ({@code javax.net.ssl.keyStore} and friends) and trust store, and
 * refuses {@code init}, as SunJSSE's. OpenSSL draws its own randomness: a {@code SecureRandom}
 * given to {@code init} is not used.
 */
public final class JtlsSslContextSpi extends SSLContextSpi {
    private final String protocol;
    private volatile NativeContexts contexts;
    private final JtlsSessionContext clientSessions = new JtlsSessionContext();
    private final JtlsSessionContext serverSessions = new JtlsSessionContext();

    /**
     * A context for {@code protocol} ("TLS", "TLSv1.2", "TLSv1.3" or "Default"), as the provider makes it.
     *
     * @param protocol the {@code SSLContext} algorithm
     * @throws IllegalStateException when "Default" cannot read the default key or trust store
     */
    public JtlsSslContextSpi(String protocol) {
        this.protocol = protocol;
        if ("Default".equals(protocol)) {
            try {
                contexts = new NativeContexts(this, defaultKeyManager(), defaultTrustManager());
            } catch (Exception e) {
                throw new IllegalStateException("cannot initialize the default jtls SSLContext", e);
            }
        }
    }

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
        if ("Default".equals(protocol)) {
            throw new KeyManagementException("Default SSLContext is initialized automatically");
        }
        X509KeyManager keyManager = null;
        if (km != null) {
            for (KeyManager candidate : km) {
                if (candidate instanceof X509KeyManager x509) {
                    keyManager = x509;
                    break;
                }
            }
        }
        X509TrustManager trustManager = null;
        try {
            if (tm == null) {
                trustManager = defaultTrustManager();
            } else {
                for (TrustManager candidate : tm) {
                    if (candidate instanceof X509TrustManager x509) {
                        trustManager = x509;
                        break;
                    }
                }
            }
        } catch (Exception e) {
            throw new KeyManagementException("cannot load the default trust manager", e);
        }
        contexts = new NativeContexts(this, keyManager, trustManager);
    }

    private static X509TrustManager defaultTrustManager() throws Exception {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        for (TrustManager candidate : factory.getTrustManagers()) {
            if (candidate instanceof X509TrustManager x509) {
                return x509;
            }
        }
        return null;
    }

    /** The key manager of the {@code javax.net.ssl.keyStore*} properties, or null when none is set. */
    private static X509KeyManager defaultKeyManager() throws Exception {
        String file = System.getProperty("javax.net.ssl.keyStore");
        if (file == null || file.isEmpty() || "NONE".equals(file)) {
            return null;
        }
        String type = System.getProperty("javax.net.ssl.keyStoreType", KeyStore.getDefaultType());
        String password = System.getProperty("javax.net.ssl.keyStorePassword", "");
        KeyStore store = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            store.load(in, password.toCharArray());
        }
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, password.toCharArray());
        for (KeyManager candidate : factory.getKeyManagers()) {
            if (candidate instanceof X509KeyManager x509) {
                return x509;
            }
        }
        return null;
    }

    NativeContexts contexts() {
        NativeContexts c = contexts;
        if (c == null) {
            throw new IllegalStateException("SSLContext is not initialized");
        }
        return c;
    }

    JtlsSessionContext clientSessions() {
        return clientSessions;
    }

    JtlsSessionContext sessionContext(boolean client) {
        return client ? clientSessions : serverSessions;
    }

    /** A client made by a "TLSv1.2" context offers TLS 1.2 only; servers accept both versions. */
    String[] defaultProtocols(boolean client) {
        if (client && "TLSv1.2".equals(protocol)) {
            return new String[] {"TLSv1.2"};
        }
        return EngineSettings.SUPPORTED_PROTOCOLS.toArray(String[]::new);
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
        return engineCreateSSLEngine(null, -1);
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
        contexts(); // JSSE: an uninitialized context makes no engine
        return new JtlsSslEngine(this, host, port);
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
        contexts();
        return new JtlsSslSocketFactory(this);
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
        contexts();
        return new JtlsSslServerSocketFactory(this);
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
        return serverSessions;
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
        return clientSessions;
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
        return new SSLParameters(CipherSuites.defaults(), defaultProtocols(true));
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
        return new SSLParameters(CipherSuites.supported(), EngineSettings.SUPPORTED_PROTOCOLS.toArray(String[]::new));
    }
}
