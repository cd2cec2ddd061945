/**
 * jtls: Node.js's {@code tls} module for Java, on the system's OpenSSL 3.
 *
 * <p>Only the public API packages are exported; {@code io.jtls.internal.*} stays internal.
 * The binding calls restricted FFM methods: run with {@code --enable-native-access=io.jtls}
 * (module path) or {@code --enable-native-access=ALL-UNNAMED} (class path).
 */
@SuppressWarnings("module") // the qualified exports name io.jtls.jsse, which is built after this module
module io.jtls {
    requires transitive java.net.http; // the OCSP stapler fetches with (and may be given) the JDK's HTTP client
    requires jdk.jfr; // Flight Recorder events (io.jtls.internal.jfr): io.jtls.HandshakeCompleted, ...
    exports io.jtls;
    exports io.jtls.blocking;
    exports io.jtls.context;
    exports io.jtls.error;
    exports io.jtls.handshake;
    exports io.jtls.x509;
    exports io.jtls.net;
    exports io.jtls.ocsp;
    exports io.jtls.pki;
    exports io.jtls.session;
    // The JSSE provider (module io.jtls.jsse) drives the sans-IO engine and builds contexts itself.
    exports io.jtls.internal.engine to io.jtls.jsse;
    exports io.jtls.internal.context to io.jtls.jsse;
    exports io.jtls.internal.openssl to io.jtls.jsse;
}
