package io.jtls.jsse;

import javax.net.ssl.SSLEngine;
import org.eclipse.jetty.alpn.server.ALPNServerConnection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.ssl.ALPNProcessor;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.io.ssl.SslHandshakeListener;

/**
 * What Jetty needs besides the provider for ALPN: its own JDK processor applies only to engines
 * of {@code java.base}, so jtls engines get this one (found by ServiceLoader, as Jetty's): the
 * engine's standard ALPN selector asks Jetty's ALPN connection to choose. Belongs in a small
 * jtls-jetty glue artifact; it lives with the tests until then.
 */
public final class JettyAlpnProcessor implements ALPNProcessor.Server {
    /** Used by ServiceLoader. */
    public JettyAlpnProcessor() {}

    @Override
    public boolean appliesTo(SSLEngine engine) {
        return engine instanceof JtlsSslEngine;
    }

    @Override
    public void configure(SSLEngine engine, Connection connection) {
        ALPNServerConnection alpn = (ALPNServerConnection) connection;
        engine.setHandshakeApplicationProtocolSelector((e, offered) -> {
            alpn.select(offered);
            return alpn.getProtocol();
        });
        SslConnection ssl = ((SslConnection.SslEndPoint) alpn.getEndPoint()).getSslConnection();
        ssl.addHandshakeListener(new SslHandshakeListener() {
            @Override
            public void handshakeSucceeded(Event event) {
                if (alpn.getProtocol() == null) {
                    alpn.unsupported(); // the client offered no ALPN: the default protocol
                }
            }
        });
    }
}
