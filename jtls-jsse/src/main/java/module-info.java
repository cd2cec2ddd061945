/**
 * jtls-jsse: a JSSE provider named "jtls" whose {@code SSLContext}s make {@code SSLEngine}s that run
 * on jtls's sans-IO engine and the system's OpenSSL 3 through FFM.
 *
 * <p>Use it explicitly ({@code SSLContext.getInstance("TLS", new JtlsProvider())}) or through
 * {@code ServiceLoader}. Run with {@code --enable-native-access=io.jtls} (module path) or
 * {@code --enable-native-access=ALL-UNNAMED} (class path).
 */
module io.jtls.jsse {
    requires transitive io.jtls;
    exports io.jtls.jsse;
    provides java.security.Provider with io.jtls.jsse.JtlsProvider;
}
