package io.jtls.jsse;

import io.jtls.internal.engine.ClientHelloInfo;
import io.jtls.internal.engine.EngineState;
import io.jtls.internal.engine.NewSession;
import io.jtls.internal.engine.PausePoint;
import io.jtls.internal.engine.TlsEngine;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;
import javax.security.auth.x500.X500Principal;

/**
 * One {@link JtlsSslEngine}'s connection: the jtls engine, made from the base context its settings
 * call for, and the steps where JSSE's callbacks run. Always used under the owner's lock, except
 * the trust task's check itself.
 *
 * <ul>
 *   <li>Server, ClientHello pause: {@code SNIMatcher}s ({@code unrecognized_name} is a handshake
 *       failure) and the ALPN selector;</li>
 *   <li>server, certificate callback pause: the key manager picks an alias per key type, with the
 *       SNI name in the handshake session, and those certificates are copied into the connection
 *       (OpenSSL then picks by the client's signature algorithms);</li>
 *   <li>client, certificate callback pause (the server's CertificateRequest arrived): the key
 *       manager picks an alias by the server's signature algorithms and CA names, as SunJSSE;</li>
 *   <li>both, as soon as the peer's chain is known: the trust manager, as the delegated task
 *       (see {@link PeerTrust} for why there).</li>
 * </ul>
 */
final class Handshake {
    private static final String[] KEY_TYPES = {"EC", "RSA", "RSASSA-PSS", "EdDSA"};
    private static final SecureRandom RANDOM = new SecureRandom();

    private final JtlsSslEngine owner;
    private final TlsEngine engine;
    private final JtlsSession session;
    private final NativeContexts contexts;
    private Cleaner.Cleanable cleanable;
    private boolean released;
    private boolean done;
    private JtlsSession completed;
    /** The resumption candidate a client offered, and its session object. */
    private JtlsSessionContext.Cached offered;
    private byte[] latestSessionDer;
    private final Map<String, X509Certificate[]> localChains = new LinkedHashMap<>();
    private String hostname;
    /** The ALPN protocol once the handshake is over ("" for none). */
    private String negotiatedAlpn;

    private boolean trustChecked;
    /** A client asked for a stapled OCSP response (status_request). */
    private boolean requestedStatus;
    private Runnable task;
    private boolean taskHandedOut;
    private CertificateException trustFailure;

    Handshake(JtlsSslEngine owner) {
        this.owner = owner;
        this.contexts = owner.context.contexts();
        this.session = new JtlsSession(owner.getPeerHost(), owner.getPeerPort());
        EngineSettings s = owner.settings;
        NativeContexts.Base base = new NativeContexts.Base(!owner.clientMode, s.minVersion(), s.maxVersion(),
                CipherSuites.cipherString(s.cipherSuites), s.useCipherSuitesOrder,
                !owner.clientMode && (s.needClientAuth || s.wantClientAuth));
        var nativeContext = contexts.base(base);
        this.engine = owner.clientMode ? TlsEngine.client(nativeContext) : TlsEngine.server(nativeContext);
    }

    void setCleanable(Cleaner.Cleanable value) {
        cleanable = value;
    }

    TlsEngine engine() {
        return engine;
    }

    JtlsSession session() {
        return session;
    }

    /** Per-connection settings, then a client's ClientHello. */
    void begin() throws javax.net.ssl.SSLException {
        EngineSettings s = owner.settings;
        session.setContext(owner.context.sessionContext(owner.clientMode));
        if (owner.clientMode) {
            String sni = s.clientServerName(owner.getPeerHost());
            hostname = sni != null ? sni : owner.getPeerHost();
            if (sni != null) {
                engine.setServername(sni);
                session.setRequestedServerNames(List.of(new SNIHostName(sni)));
            }
            if (s.applicationProtocols.length > 0) {
                engine.setAlpnProtocols(List.of(s.applicationProtocols));
            }
            if (clientStapling()) {
                engine.requestOcsp();
                requestedStatus = true;
            }
            if (contexts.keyManager() != null) {
                engine.pauseAt(PausePoint.CERT_CALLBACK); // a CertificateRequest: the key manager chooses
            }
            if (owner.getPeerHost() != null && owner.getPeerPort() > 0) {
                engine.enableSessionCallbacks();
                offered = owner.context.clientSessions().lookup(owner.getPeerHost(), owner.getPeerPort());
                if (offered != null && !engine.setSession(offered.der())) {
                    offered = null;
                }
            }
            advance();
        } else {
            engine.setVerifyMode(s.needClientAuth || s.wantClientAuth, s.needClientAuth);
            engine.pauseAt(PausePoint.CERT_CALLBACK);
            boolean matchers = s.sniMatchers != null && !s.sniMatchers.isEmpty();
            if (owner.alpnSelector != null || matchers) {
                engine.pauseAt(PausePoint.CLIENT_HELLO);
            }
            if (owner.alpnSelector == null && s.applicationProtocols.length > 0) {
                engine.setAlpnProtocols(List.of(s.applicationProtocols));
            }
        }
    }

    /**
     * A client at the server's CertificateRequest, as SunJSSE: the key manager chooses with the
     * key types of the signature algorithms the server accepts (in its order) and the issuers it
     * named ({@link ClientCertificates#issuers}); the alias's chain and key go into the connection. No
     * alias, or one without a chain or key: the client answers with no certificate.
     */
    private void onCertificateRequest() {
        X509KeyManager km = contexts.keyManager();
        if (km == null) {
            return;
        }
        String[] keyTypes = ClientCertificates.keyTypes(engine.sharedSigalgs(), KEY_TYPES);
        X500Principal[] issuers = ClientCertificates.issuers(engine.peerCaNames(), engine.protocol());
        String alias = km instanceof X509ExtendedKeyManager extended
                ? extended.chooseEngineClientAlias(keyTypes, issuers, owner)
                : km.chooseClientAlias(keyTypes, issuers, null);
        if (alias == null) {
            return;
        }
        X509Certificate[] chain = km.getCertificateChain(alias);
        if (chain == null || chain.length == 0 || km.getPrivateKey(alias) == null) {
            return;
        }
        engine.useSniContext(contexts.identity(alias));
        localChains.put(alias, chain);
    }

    /** Drives the handshake with what was fed, through the pause points, then looks at the peer's chain. */
    void advance() throws javax.net.ssl.SSLException {
        EngineState state = engine.handshake();
        while (state.isPaused()) {
            if (state == EngineState.AWAITING_CLIENT_HELLO) {
                onClientHello(engine.clientHello());
            } else if (owner.clientMode) {
                onCertificateRequest();
            } else {
                onCertificateCallback(engine.certCallbackInfo().servername());
            }
            state = engine.resumeHandshake();
        }
        if (session.getProtocol().equals("NONE") || session.getCipherSuite().startsWith("SSL_NULL")) {
            var cipher = engine.cipher();
            if (cipher != null && cipher.standardName() != null) {
                session.setCipherSuite(cipher.standardName());
                session.setProtocol(engine.protocol());
            }
        }
        scheduleTrust();
    }

    /** SunJSSE's switch for the client's status_request extension (on unless set to false). */
    private static boolean clientStapling() {
        return !"false".equalsIgnoreCase(System.getProperty("jdk.tls.client.enableStatusRequestExtension", "true"));
    }

    /**
     * The server's stapled OCSP response, in the session before the trust manager runs, as
     * SunJSSE has it there for revocation checks; false while it may still come (TLS 1.2: the
     * CertificateStatus message follows the Certificate one, in the next record).
     */
    private boolean statusResponseKnown() {
        if (!requestedStatus) {
            return true;
        }
        byte[] stapled = engine.heldOcspResponse();
        if (stapled != null) {
            session.setStatusResponses(List.of(stapled));
            return true;
        }
        return !engine.justReadServerCertificate();
    }

    private void onClientHello(ClientHelloInfo hello) throws SSLHandshakeException {
        String name = hello.servername();
        SNIHostName host = null;
        if (!name.isEmpty()) {
            try {
                host = new SNIHostName(name);
                session.setRequestedServerNames(List.of(host));
            } catch (IllegalArgumentException e) {
                throw new SSLHandshakeException("illegal server name: " + name);
            }
        }
        var matchers = owner.settings.sniMatchers;
        if (host != null && matchers != null) {
            boolean anyForHostNames = false;
            boolean matched = false;
            for (SNIMatcher matcher : matchers) {
                if (matcher.getType() == StandardConstants.SNI_HOST_NAME) {
                    anyForHostNames = true;
                    matched |= matcher.matches(host);
                }
            }
            if (anyForHostNames && !matched) {
                throw new SSLHandshakeException("Unrecognized server name indication: " + name);
            }
        }
        var selector = owner.alpnSelector;
        if (selector != null && !hello.alpnProtocols().isEmpty()) {
            String chosen = selector.apply(owner, hello.alpnProtocols());
            if (chosen == null || (!chosen.isEmpty() && !hello.alpnProtocols().contains(chosen))) {
                engine.chooseAlpn(null); // no_application_protocol, as SunJSSE
            } else if (!chosen.isEmpty()) {
                engine.chooseAlpn(chosen);
            }
        }
    }

    private void onCertificateCallback(String servername) throws SSLHandshakeException {
        if (!servername.isEmpty() && session.getRequestedServerNames().isEmpty()) {
            try {
                session.setRequestedServerNames(List.of(new SNIHostName(servername)));
            } catch (IllegalArgumentException e) {
                // Not a host name JSSE accepts: key managers see no requested name.
            }
        }
        X509KeyManager km = contexts.keyManager();
        if (km != null) {
            for (String type : KEY_TYPES) {
                String alias = km instanceof X509ExtendedKeyManager extended
                        ? extended.chooseEngineServerAlias(type, null, owner)
                        : km.chooseServerAlias(type, null, null);
                if (alias != null && !localChains.containsKey(alias)) {
                    localChains.put(alias, km.getCertificateChain(alias));
                    engine.useSniContext(contexts.identity(alias));
                }
            }
        }
        if (localChains.isEmpty()) {
            throw new SSLHandshakeException("No available authentication scheme: the key manager chose no certificate");
        }
    }

    /** Queues the trust manager's check once the peer's chain is known (resumed sessions were checked before). */
    private void scheduleTrust() {
        if (trustChecked || task != null || trustFailure != null) {
            return;
        }
        boolean established = engine.state() == EngineState.ESTABLISHED;
        io.jtls.x509.Certificate leaf = engine.peerCertificate(false);
        if (leaf == null) {
            if (established) {
                if (owner.clientMode && !engine.isSessionReused()) {
                    trustFailure = new CertificateException("the server sent no certificate");
                } else {
                    trustChecked = true;
                }
            }
            return;
        }
        X509Certificate[] chain = PeerTrust.chain(engine);
        session.setPeerCertificates(chain);
        if (engine.isSessionReused()) {
            trustChecked = true;
            return;
        }
        boolean client = owner.clientMode;
        if (client && !statusResponseKnown()) {
            return; // checked after the next record, with the staple it may carry
        }
        String authType = client
                ? PeerTrust.serverAuthType(engine.protocol(), session.getCipherSuite(), chain[0])
                : PeerTrust.keyAuthType(chain[0]);
        String identification = owner.settings.endpointIdentification;
        String host = hostname;
        var trustManager = contexts.trustManager();
        task = () -> {
            CertificateException error = null;
            try {
                PeerTrust.check(trustManager, chain, authType, client, owner, identification, host, leaf);
            } catch (CertificateException e) {
                error = e;
            } catch (RuntimeException e) {
                error = new CertificateException(e.getMessage(), e);
            }
            synchronized (owner.lock) {
                task = null;
                if (error != null) {
                    trustFailure = error;
                } else {
                    trustChecked = true;
                }
            }
        };
        taskHandedOut = false;
    }

    boolean taskPending() {
        return task != null;
    }

    Runnable takeTask() {
        if (task == null || taskHandedOut) {
            return null;
        }
        taskHandedOut = true;
        return task;
    }

    boolean trustFailed() {
        return trustFailure != null;
    }

    /** Reports the trust manager's refusal; what this side would have sent next never leaves. */
    void throwTrustFailure() throws SSLHandshakeException {
        if (trustFailure != null) {
            discardOutput();
            SSLHandshakeException e = new SSLHandshakeException(trustFailure.getMessage());
            e.initCause(trustFailure);
            throw e;
        }
    }

    int pending() {
        return released ? 0 : engine.encPending();
    }

    boolean done() {
        return done;
    }

    boolean readyToFinish() {
        return !done && !released && engine.state() == EngineState.ESTABLISHED && trustChecked && task == null
                && trustFailure == null && engine.encPending() == 0;
    }

    /** Completes the session once the handshake is over, checked, and flushed: true once (JSSE's FINISHED). */
    boolean maybeFinish() {
        if (!readyToFinish()) {
            return false;
        }
        done = true;
        session.setProtocol(engine.protocol());
        var cipher = engine.cipher();
        if (cipher != null && cipher.standardName() != null) {
            session.setCipherSuite(cipher.standardName());
        }
        io.jtls.x509.Certificate local = engine.certificate();
        if (local != null) {
            for (X509Certificate[] chain : localChains.values()) {
                try {
                    if (chain != null && chain.length > 0 && Arrays.equals(chain[0].getEncoded(), local.raw())) {
                        session.setLocalCertificates(chain);
                    }
                } catch (java.security.cert.CertificateEncodingException e) {
                    // Not ours then.
                }
            }
        }
        byte[] id = new byte[32];
        RANDOM.nextBytes(id);
        session.setId(id);
        String alpn = engine.alpnProtocol();
        negotiatedAlpn = alpn == null ? "" : alpn;
        completed = offered != null && engine.isSessionReused() ? offered.session() : session;
        completed.touch();
        keepNewSessions();
        return true;
    }

    JtlsSession completedSession() {
        return done ? completed : null;
    }

    /** A client keeps the newest session OpenSSL made (TLS 1.2 at the handshake, TLS 1.3 per ticket) for resumption. */
    void keepNewSessions() {
        if (released || !owner.clientMode) {
            return;
        }
        NewSession fresh;
        while ((fresh = engine.takeNewSession()) != null) {
            latestSessionDer = fresh.data();
        }
        if (done && latestSessionDer != null) {
            owner.context.clientSessions().put(owner.getPeerHost(), owner.getPeerPort(), completed, latestSessionDer);
            latestSessionDer = null;
        }
    }

    /** The negotiated ALPN protocol: "" when none, null while unknown. */
    String applicationProtocol() {
        if (done) {
            return negotiatedAlpn;
        }
        if (released) {
            return null;
        }
        String alpn = engine.alpnProtocol();
        if (alpn != null) {
            return alpn;
        }
        return engine.state() == EngineState.ESTABLISHED ? "" : null;
    }

    boolean closeNotifyReceived() {
        return released || engine.closeNotifyReceived();
    }

    /** Drops what OpenSSL queued for the peer. */
    void discardOutput() {
        if (released) {
            return;
        }
        ByteBuffer sink = ByteBuffer.allocate(4096);
        while (engine.encPending() > 0) {
            sink.clear();
            engine.encOut(sink);
        }
    }

    boolean released() {
        return released;
    }

    /** Frees the native connection (through the Cleaner's action, so it runs once). */
    void release() {
        if (!released) {
            released = true;
            if (cleanable != null) {
                cleanable.clean();
            } else {
                engine.close();
            }
        }
    }
}
