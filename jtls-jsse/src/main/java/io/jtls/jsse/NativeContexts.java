package io.jtls.jsse;

import io.jtls.context.Constants;
import io.jtls.context.SecureContextOptions;
import io.jtls.internal.context.NativeSecureContext;
import io.jtls.internal.engine.OptionalHook;
import java.lang.ref.Cleaner;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;

/**
 * The OpenSSL contexts behind one {@code SSLContext}. An {@code SSL_CTX} is frozen once built,
 * while JSSE lets every engine choose its own protocols, suites and client-auth mode: so there is
 * one context per combination of those ({@link Base}), built on first use and shared by every
 * engine asking for the same (in practice a handful), plus one context per key manager alias
 * holding that alias's certificate and key ({@link #identity}), which an engine copies into its
 * connection at the jtls engine's certificate callback pause: a server once it knows the SNI
 * name (Node's SNICallback mechanism), a client once the server asked for a certificate. Certificate checks are the trust manager's: the contexts only
 * carry the accepted issuers as client CA names.
 *
 * <p>The contexts live as long as the {@code SSLContext}: when it becomes unreachable a Cleaner
 * drops the owner's reference of each (engines still running keep theirs).
 */
final class NativeContexts {
    private static final Cleaner CLEANER = Cleaner.create();

    /**
     * What a base context is made of.
     *
     * @param server        server side (no certificate: it comes from {@link #identity})
     * @param minVersion    Node's minVersion ("TLSv1.2")
     * @param maxVersion    Node's maxVersion ("TLSv1.3")
     * @param ciphers       OpenSSL cipher string, from the enabled IANA suites
     * @param honorOrder    a server prefers its own suite order
     * @param clientCaNames a server that asks for client certificates names the accepted issuers
     */
    record Base(boolean server, String minVersion, String maxVersion, String ciphers, boolean honorOrder,
                boolean clientCaNames) {}

    private final X509KeyManager keyManager;
    private final X509TrustManager trustManager;
    private final ConcurrentMap<Object, NativeSecureContext> contexts;

    NativeContexts(Object owner, X509KeyManager keyManager, X509TrustManager trustManager) {
        this.keyManager = keyManager;
        this.trustManager = trustManager;
        ConcurrentMap<Object, NativeSecureContext> map = new ConcurrentHashMap<>();
        this.contexts = map;
        CLEANER.register(owner, () -> map.values().forEach(NativeSecureContext::close));
    }

    X509KeyManager keyManager() {
        return keyManager;
    }

    X509TrustManager trustManager() {
        return trustManager;
    }

    /** The shared context for {@code base}, built the first time. */
    NativeSecureContext base(Base base) {
        return contexts.computeIfAbsent(base, b -> build((Base) b));
    }

    /**
     * A context with only the certificate chain and key of {@code alias}, copied into a connection
     * at its certificate callback: a server's (per SNI name) or a client's (per CertificateRequest).
     */
    NativeSecureContext identity(String alias) {
        return contexts.computeIfAbsent(new Identity(alias), k -> {
            SecureContextOptions.Builder options = SecureContextOptions.builder();
            addIdentity(options, alias);
            // A server's copy replaces the connection's client CA names with these (Node's
            // SetCACerts): the same accepted issuers as the base context's, or none would be sent.
            addAcceptedIssuers(options);
            return NativeSecureContext.create(options.build(), Set.of());
        });
    }

    private record Identity(String alias) {}

    private NativeSecureContext build(Base base) {
        // No TLS 1.2 renegotiation either way: a renegotiated peer chain would bypass the trust
        // manager, which checks the chain of the first handshake only.
        SecureContextOptions.Builder options = SecureContextOptions.builder()
                .minVersion(base.minVersion()).maxVersion(base.maxVersion()).ciphers(base.ciphers())
                .secureOptions(Constants.SSL_OP_NO_RENEGOTIATION);
        if (base.server()) {
            options.honorCipherOrder(base.honorOrder());
            if (base.clientCaNames()) {
                addAcceptedIssuers(options);
            }
        }
        // Clients keep the sessions OpenSSL makes (resumption through the SSLSessionContext).
        Set<OptionalHook> hooks = base.server() ? Set.of() : Set.of(OptionalHook.SESSION_CACHE);
        return NativeSecureContext.create(options.build(), hooks);
    }

    /** The trust manager's accepted issuers, as the CA names a server's CertificateRequest lists. */
    private void addAcceptedIssuers(SecureContextOptions.Builder options) {
        if (trustManager == null) {
            return;
        }
        List<String> pems = new ArrayList<>();
        for (X509Certificate issuer : trustManager.getAcceptedIssuers()) {
            pems.add(Pem.certificate(issuer));
        }
        if (!pems.isEmpty()) {
            options.ca(pems);
        }
    }

    private void addIdentity(SecureContextOptions.Builder options, String alias) {
        X509Certificate[] chain = keyManager.getCertificateChain(alias);
        PrivateKey key = keyManager.getPrivateKey(alias);
        if (chain == null || chain.length == 0 || key == null) {
            throw new IllegalArgumentException("key manager alias " + alias + " has no certificate chain or key");
        }
        options.cert(Pem.certificates(chain)).key(Pem.privateKey(key));
    }
}
