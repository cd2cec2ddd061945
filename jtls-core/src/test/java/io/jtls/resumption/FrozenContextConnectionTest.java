package io.jtls.resumption;

import static io.jtls.resumption.Resumption.ROOT;
import static io.jtls.resumption.Resumption.clientTo;
import static io.jtls.resumption.Resumption.listen;
import static io.jtls.resumption.Resumption.serverOptions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.SecureContext;
import io.jtls.Tls;
import io.jtls.TlsServer;
import io.jtls.TlsServerOptions;
import io.jtls.context.SecureContextOptions;
import io.jtls.internal.context.NativeSecureContext;
import io.jtls.internal.context.SecureContexts;
import io.jtls.internal.openssl.SslCtxCalls;
import io.jtls.pki.HeldCertificate;
import java.lang.foreign.MemorySegment;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * Real connections never reconfigure the contexts they use: a server with ALPN, named contexts
 * (exact and wildcard), an asynchronous SNICallback, session-id resumption through
 * 'newSession'/'resumeSession' and ticket resumption, TLS 1.2 and 1.3, leaves every context's
 * readable configuration as it was before the first connection. (The source-level half, no
 * SSL_CTX setter outside the build, is {@code internal.context.FrozenContextTest}.)
 */
class FrozenContextConnectionTest {
    private static HeldCertificate leaf(String name) {
        return HeldCertificate.builder().commonName(name).addSubjectAltName(name).signedBy(ROOT).build();
    }

    private static final HeldCertificate BETA = leaf("beta.test");
    private static final HeldCertificate GAMMA = leaf("*.gamma.test");

    @Test
    void connectionsLeaveEveryContextAsItWasBuilt() {
        SecureContext beta = Tls.createSecureContext(SecureContextOptions.builder()
                .cert(BETA.chainPem()).key(BETA.privateKeyPem()).build());
        SecureContext gamma = Tls.createSecureContext(SecureContextOptions.builder()
                .cert(GAMMA.chainPem()).key(GAMMA.privateKeyPem()).build());
        Map<String, byte[]> cache = new ConcurrentHashMap<>();
        TlsServer named = Tls.createServer(serverOptions().alpnProtocols(List.of("h2", "http/1.1")).build(),
                socket -> socket.pipe(socket));
        named.addContext("beta.test", beta).addContext("*.gamma.test", gamma);
        named.on(TlsServer.NEW_SESSION, (id, data, done) -> {
            cache.put(HexFormat.of().formatHex(id), data);
            done.run();
        });
        named.on(TlsServer.RESUME_SESSION, (id, callback) -> callback.call(null, cache.get(HexFormat.of().formatHex(id))));
        TlsServer async = Tls.createServer(TlsServerOptions.builder().cert(Resumption.SERVER.chainPem())
                .key(Resumption.SERVER.privateKeyPem()).alpnProtocols(List.of("h2"))
                .sniCallback((name, callback) -> CompletableFuture.runAsync(
                        () -> callback.accept(null, name.equals("beta.test") ? beta : null))).build(),
                socket -> socket.pipe(socket));
        try (var a = listen(named); var b = listen(async)) {
            List<NativeSecureContext> contexts = List.of(native_(named.secureContext()), native_(async.secureContext()),
                    native_(beta), native_(gamma));
            List<Map<String, String>> before = contexts.stream().map(FrozenContextConnectionTest::configuration).toList();

            for (String version : List.of("TLSv1.2", "TLSv1.3")) {
                for (String name : List.of("localhost", "beta.test", "x.gamma.test")) {
                    resumeTwice(clientTo(a.port()).servername(name).minVersion(version).maxVersion(version));
                }
                for (String name : List.of("localhost", "beta.test")) {
                    resumeTwice(clientTo(b.port()).servername(name).minVersion(version).maxVersion(version));
                }
            }

            List<Map<String, String>> after = contexts.stream().map(FrozenContextConnectionTest::configuration).toList();
            assertEquals(before, after, "a context changed under its connections");
            contexts.forEach(c -> assertTrue(c.isFrozen(), c + " frozen"));
        } finally {
            beta.close();
            gamma.close();
        }
    }

    /** Connects with ALPN, takes the session, and resumes with it. */
    private static void resumeTwice(io.jtls.TlsConnectOptions.Builder options) {
        var first = Resumption.connectFor(options.alpnProtocols(List.of("h2")).build(), 1);
        assertTrue(!first.reused, "a first connection is a full handshake");
        var again = Resumption.connectFor(options.session(first.session()).build(), 0);
        assertTrue(again.reused, "resumed: " + again.events);
    }

    private static NativeSecureContext native_(SecureContext context) {
        return SecureContexts.nativeOf(context);
    }

    /** Everything OpenSSL lets us read back of a context's configuration. */
    private static Map<String, String> configuration(NativeSecureContext context) {
        MemorySegment ctx = context.sslCtx();
        Map<String, String> c = new LinkedHashMap<>();
        c.put("options", Long.toHexString(SslCtxCalls.SSL_CTX_get_options(ctx)));
        c.put("mode", Long.toHexString(SslCtxCalls.SSL_CTX_get_mode(ctx)));
        c.put("sessionCacheMode", Long.toHexString(SslCtxCalls.SSL_CTX_get_session_cache_mode(ctx)));
        c.put("timeout", Long.toString(SslCtxCalls.SSL_CTX_get_timeout(ctx)));
        c.put("protocols", SslCtxCalls.SSL_CTX_get_min_proto_version(ctx) + "-" + SslCtxCalls.SSL_CTX_get_max_proto_version(ctx));
        c.put("securityLevel", Integer.toString(SslCtxCalls.SSL_CTX_get_security_level(ctx)));
        c.put("certificate", Long.toHexString(SslCtxCalls.SSL_CTX_get0_certificate(ctx).address()));
        c.put("privateKey", Long.toHexString(SslCtxCalls.SSL_CTX_get0_privatekey(ctx).address()));
        c.put("certStore", Long.toHexString(SslCtxCalls.SSL_CTX_get_cert_store(ctx).address()));
        c.put("clientCaList", Long.toHexString(SslCtxCalls.SSL_CTX_get_client_CA_list(ctx).address()));
        c.put("ciphers", String.join(":", context.cipherNames()));
        return c;
    }
}
