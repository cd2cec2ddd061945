package io.jtls.internal.tls;

import io.jtls.error.ConnectionResetException;
import io.jtls.error.TlsException;
import io.jtls.handshake.EphemeralKeyInfo;
import io.jtls.internal.engine.OcspResponse;
import io.jtls.internal.engine.TlsEngine;
import java.time.Instant;
import java.util.List;

/**
 * A client's handshake: Node's {@code onConnectSecure} for sockets made by {@code tls.connect}
 * (minimum DH size, chain verification, {@code checkServerIdentity}, {@code rejectUnauthorized},
 * then {@code 'secureConnect'}; a {@code 'session'} waits until the server is verified), or the
 * bare client of {@code new TLSSocket(socket)}, which reports the chain's verification and
 * rejects nothing.
 */
public final class ClientPolicy extends HandshakePolicy {
    /** What {@code tls.connect} checks once the handshake completes; null for a bare client. */
    public record Verification(String hostname, boolean rejectUnauthorized, IdentityCheck identity, int minDHSize) {}

    private final String sniName;
    private final byte[] session;
    private final boolean rejectUnauthorized;
    private final Verification verification;
    private SessionFlow sessions;
    private boolean requestOcsp;

    /**
     * @param sniName      the SNI name to send, or null
     * @param session      a session to offer (DER), or null
     * @param verification the checks of {@code tls.connect}, or null for a bare client
     */
    public ClientPolicy(List<String> alpnProtocols, String sniName, byte[] session, boolean rejectUnauthorized,
                        Verification verification) {
        this(alpnProtocols, sniName, session, rejectUnauthorized, verification, null);
    }

    /** @param target where {@code tls.connect} connected, for its errors; null for a socket it did not connect */
    public ClientPolicy(List<String> alpnProtocols, String sniName, byte[] session, boolean rejectUnauthorized,
                        Verification verification, Target target) {
        super(alpnProtocols);
        this.sniName = sniName;
        this.session = session;
        this.rejectUnauthorized = rejectUnauthorized;
        this.verification = verification;
        this.target = target;
    }

    /** The connect options Node copies onto a {@code ConnResetException}: host, port (-1 if none), path, localAddress. */
    public record Target(String host, int port, String path, String localAddress) {}

    private final Target target;

    @Override
    boolean connectsTransport() {
        return target != null;
    }

    /** Node's {@code onConnectEnd}: the options' host, port, path and localAddress on the error. */
    @Override
    TlsException disconnectedBeforeSecure() {
        if (target == null) {
            return super.disconnectedBeforeSecure();
        }
        return new ConnectionResetException(DISCONNECTED_BEFORE_SECURE, target.host(), target.port(), target.path(),
                target.localAddress());
    }

    /** Node's {@code requestOCSP}: the ClientHello asks for the server's OCSP staple. Before the socket is made. */
    public ClientPolicy requestOcsp(boolean on) {
        this.requestOcsp = on;
        return this;
    }

    /**
     * Node's {@code onocspresponse}: {@code 'OCSPResponse'} once the client read the server's
     * certificate flight (before {@code 'secure'}), when it asked for a staple.
     */
    @Override
    boolean afterHandshakeStep(ConnectionDriver driver, TlsEngine engine) {
        OcspResponse response = engine.takeOcspResponse();
        if (response != null) {
            driver.host().emitOcspResponse(response.der());
        }
        return driver.host().destroyed();
    }

    @Override
    boolean isServer() {
        return false;
    }

    @Override
    void configure(TlsEngine engine, SessionFlow sessions) {
        this.sessions = sessions;
        engine.setVerifyMode(true, rejectUnauthorized); // Node: clients always verify the server
        if (alpnProtocols != null && !alpnProtocols.isEmpty()) {
            engine.setAlpnProtocols(alpnProtocols);
        }
        sessions.configure(engine, false);
        if (sniName != null) {
            engine.setServername(sniName);
        }
        if (session != null) {
            engine.setSession(session); // Node ignores a session that does not parse
        }
        if (requestOcsp) {
            engine.requestOcsp();
        }
    }

    @Override
    void onEstablished(ConnectionDriver driver, TlsEngine engine) {
        ConnectionHost host = driver.host();
        if (verification == null) {
            // Node leaves these unset on a client made with `new TLSSocket`; jtls reports the
            // chain's verification (no host name check, no rejection) before 'secure'.
            TlsException error = engine.verifyError();
            driver.authorize(error == null, error == null ? null : error.code());
            host.emitSecure();
            if (host.destroyed()) {
                return;
            }
            driver.allowData();
            sessions.onVerified(); // no verification step: 'session' after 'secure'
            return;
        }
        host.emitSecure();
        if (host.destroyed()) {
            return;
        }
        EphemeralKeyInfo key = driver.snapshot().ephemeralKeyInfo();
        if (key != null && "DH".equals(key.type()) && key.size() < verification.minDHSize()) {
            // Node's message names 2048 whatever minDHSize is; the text is kept as Node has it.
            host.destroy(new TlsException("ERR_TLS_DH_PARAM_SIZE", "DH parameter size " + key.size() + " is less than 2048"));
            return;
        }
        Exception verifyError = engine.verifyError();
        if (verifyError == null && !driver.snapshot().sessionReused()) {
            verifyError = verification.identity().check(verification.hostname(), driver.snapshot().peerCertificate(true));
        }
        if (verifyError != null) {
            driver.authorize(false, verifyError instanceof TlsException t ? t.code() : verifyError.getMessage());
            if (verification.rejectUnauthorized()) {
                host.destroy(verifyError instanceof TlsException t
                        ? VerifyFailure.describe(t, driver.snapshot().peerCertificate(true), host.peer(), Instant.now())
                        : verifyError);
                return;
            }
        } else {
            driver.authorize(true, null);
        }
        driver.allowData();
        host.emitSecureConnect();
        sessions.onVerified(); // Node's kIsVerified: a 'session' that waited is emitted now
    }

    @Override
    public boolean rejectUnauthorized() {
        return verification != null ? verification.rejectUnauthorized() : rejectUnauthorized;
    }

    @Override
    public boolean requestCert() {
        return true;
    }
}
