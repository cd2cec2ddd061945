package io.jtls.jsse.jetty;

import io.jtls.jsse.JtlsProvider;
import javax.net.ssl.SSLEngine;
import org.eclipse.jetty.alpn.server.ALPNServerConnection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.ssl.ALPNProcessor;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.io.ssl.SslHandshakeListener;

/**
 * Jetty's server-side ALPN for jtls engines. Jetty picks an {@link ALPNProcessor.Server} per
 * engine through {@code ServiceLoader}, and its JDK processor takes only engines of
 * {@code java.base}; this one takes jtls's and needs nothing beyond standard JSSE: the engine's
 * {@code setHandshakeApplicationProtocolSelector} asks Jetty's ALPN connection to choose among the
 * client's protocols. Having this jar beside Jetty's ALPN server is all it takes: no code.
 *
 * <p>At selection time the handshake session has no protocol or cipher suite yet (OpenSSL chooses
 * them after the ClientHello callback), so Jetty's HTTP/2 cipher check sees none.
 */
public final class JtlsAlpnServerProcessor implements ALPNProcessor.Server {

    /** Creates the processor (used by {@code ServiceLoader}). */
    public JtlsAlpnServerProcessor() {}

    /**
     * Takes the engines of the jtls provider only.
     *
     * @param engine the engine of a new connection
     * @return whether it is a jtls engine
     */
    @Override
    public boolean appliesTo(SSLEngine engine) {
        return JtlsProvider.isJtlsEngine(engine);
    }

    /**
     * Lets Jetty's ALPN connection choose the protocol during the handshake, and falls back to its
     * default protocol when the client offered none.
     *
     * @param engine the connection's jtls engine
     * @param connection Jetty's {@link ALPNServerConnection}
     */
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
                // The selector never ran (the client offered no ALPN): Jetty's default protocol.
                if (alpn.getProtocol() == null) alpn.unsupported();
            }
        });
    }
}
