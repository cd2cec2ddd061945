package io.jtls.jsse;

import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLEngine;

/**
 * The "jtls" JSSE provider: {@code SSLContext} "TLS", "TLSv1.2", "TLSv1.3" and "Default", whose
 * {@code SSLEngine}s run TLS on the system's OpenSSL 3 through jtls's engine.
 *
 * <pre>{@code
 * SSLContext context = SSLContext.getInstance("TLS", new JtlsProvider());
 * context.init(keyManagers, trustManagers, null);
 * SSLEngine engine = context.createSSLEngine("example.com", 443);
 * }</pre>
 *
 * It is also found by {@code ServiceLoader.load(Provider.class)}, and can be installed with
 * {@code Security.addProvider}.
 */
public final class JtlsProvider extends Provider {
    private static final long serialVersionUID = 1L;

    /** The provider's name, for {@code SSLContext.getInstance(protocol, "jtls")} once installed. */
    public static final String NAME = "jtls";

    /** Creates the provider and registers its {@code SSLContext} algorithms. */
    public JtlsProvider() {
        super(NAME, "0.1", "jtls: TLS on the system's OpenSSL 3 through FFM (SSLContext TLS, TLSv1.2, TLSv1.3, Default)");
        for (String protocol : List.of("TLS", "TLSv1.2", "TLSv1.3", "Default")) {
            putService(new ContextService(this, protocol));
        }
    }

    /**
     * Tells whether {@code engine} was made by a jtls {@code SSLContext}: for framework glue that
     * must treat jtls's engines apart from the JDK's (Jetty's ALPN processors choose by engine).
     *
     * @param engine any engine, or null
     * @return true when it is a jtls engine
     */
    public static boolean isJtlsEngine(SSLEngine engine) {
        return engine instanceof JtlsSslEngine;
    }

    /** Makes {@link JtlsSslContextSpi}s directly (no reflection: works unchanged on the module path). */
    private static final class ContextService extends Service {
        ContextService(Provider provider, String protocol) {
            super(provider, "SSLContext", protocol, JtlsSslContextSpi.class.getName(), List.of(), Map.of());
        }

        @Override
        public Object newInstance(Object constructorParameter) throws NoSuchAlgorithmException {
            try {
                return new JtlsSslContextSpi(getAlgorithm());
            } catch (RuntimeException e) {
                throw new NoSuchAlgorithmException("cannot create the jtls SSLContext " + getAlgorithm(), e);
            }
        }
    }
}
