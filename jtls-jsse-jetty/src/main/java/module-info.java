/**
 * jtls-jsse-jetty: Jetty 12's server-side ALPN for the jtls JSSE provider's engines, found by
 * Jetty through {@code ServiceLoader} ({@link io.jtls.jsse.jetty.JtlsAlpnServerProcessor}).
 */
module io.jtls.jsse.jetty {
    requires io.jtls.jsse;
    requires transitive org.eclipse.jetty.io; // the processor's public type implements its interface
    requires org.eclipse.jetty.alpn.server;
    exports io.jtls.jsse.jetty;
    provides org.eclipse.jetty.io.ssl.ALPNProcessor.Server with io.jtls.jsse.jetty.JtlsAlpnServerProcessor;
}
