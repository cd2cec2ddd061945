package io.jtls.internal.tls;

import io.jtls.error.TlsException;
import io.jtls.internal.context.NativeSecureContext;
import io.jtls.internal.engine.AlpnList;
import io.jtls.internal.engine.CertCallbackInfo;
import io.jtls.internal.engine.ClientHelloInfo;
import io.jtls.internal.engine.PausePoint;
import io.jtls.internal.engine.TlsEngine;
import java.time.Instant;
import java.util.List;

/**
 * A server's handshake: Node's {@code onServerSocketSecure} ({@code requestCert} and
 * {@code rejectUnauthorized}, then {@code 'secureConnection'}), the {@code SNICallback} and
 * {@code 'OCSPRequest'} pause,
 * {@code tlsClientError} routing (until the handshake is done a failure belongs to the server,
 * Node's {@code _controlReleased}), and the client renegotiation limit
 * ({@code CLIENT_RENEG_LIMIT} per {@code CLIENT_RENEG_WINDOW} seconds).
 */
public final class ServerPolicy extends HandshakePolicy {
    /** The server's ALPN preference list, made once per server. */
    private final AlpnList alpn;
    private static final String PEER_DID_NOT_RETURN_A_CERTIFICATE = "peer did not return a certificate";

    /** Changed by {@code renegotiate()} on the loop; read by the socket's getters from any thread. */
    private volatile boolean requestCert;
    private volatile boolean rejectUnauthorized;
    private final SniSelector sni;
    private final ServerHooks server;
    private final int renegotiationLimit;
    private final int renegotiationWindowSeconds;
    private RenegotiationLimit renegotiations; // made at the first renegotiation
    /** Node's {@code _controlReleased}: errors go to the socket, not to the server. */
    private boolean controlReleased;
    private boolean clientErrorReported;
    /** Why this server rejected the client's certificate, or null: the cause of the 'tlsClientError'. */
    private TlsException rejection;
    /** Node's {@code ALPNCallback}, or null (then the ALPN list, if any, selects). */
    private AlpnSelector alpnCallback;

    /**
     * @param sni    the {@code SNICallback}, or null
     * @param server the server, or null for a server socket made on its own
     */
    public ServerPolicy(AlpnList alpn, boolean requestCert, boolean rejectUnauthorized, SniSelector sni,
                        ServerHooks server, int renegotiationLimit, int renegotiationWindowSeconds) {
        super(alpn.isEmpty() ? null : alpn.protocols());
        this.alpn = alpn;
        this.requestCert = requestCert;
        this.rejectUnauthorized = rejectUnauthorized;
        this.sni = sni;
        this.server = server;
        this.renegotiationLimit = renegotiationLimit;
        this.renegotiationWindowSeconds = renegotiationWindowSeconds;
        this.controlReleased = server == null;
    }

    /**
     * Node's {@code ALPNCallback} for this connection, before the driver is made: asked at the
     * ClientHello, the handshake paused, when the client offers ALPN (the server's ALPN list,
     * which Node forbids beside it, is not used).
     */
    public ServerPolicy withAlpnCallback(AlpnSelector callback) {
        this.alpnCallback = callback;
        return this;
    }

    @Override
    boolean isServer() {
        return true;
    }

    @Override
    ServerHooks server() {
        return server;
    }

    @Override
    void configure(TlsEngine engine, SessionFlow sessions) {
        // Without requestCert the mode is SSL_VERIFY_NONE, which a new engine already has (Node's
        // default rejectUnauthorized alone asks nothing of the client): no native call for it.
        if (requestCert) {
            engine.setVerifyMode(requestCert, rejectUnauthorized);
        }
        if (!alpn.isEmpty()) {
            engine.setAlpnProtocols(alpn); // encoded once per server, shared by its connections
        }
        sessions.configure(engine, true);
        if (sni != null || (server != null && server.ocspRequestListened())) {
            engine.pauseAt(PausePoint.CERT_CALLBACK); // Node's enableCertCb: SNICallback, then OCSPRequest
        }
        if (alpnCallback != null) {
            engine.pauseAt(PausePoint.CLIENT_HELLO); // the offer is read there; OpenSSL's ALPN callback cannot wait
        }
    }

    /**
     * Node's {@code callALPNCallback}, at the ClientHello pause (on the loop, not inside OpenSSL):
     * the choice is recorded for OpenSSL's ALPN selection; null refuses every protocol (a fatal
     * {@code no_application_protocol} alert, as Node). A protocol the client did not offer is
     * Node's {@code ERR_TLS_ALPN_CALLBACK_INVALID_RESULT}, and a callback that throws destroys the
     * connection with its error; both without an alert, as Node (its client sees ECONNRESET).
     * False when the connection was failed.
     */
    @Override
    boolean onClientHello(ConnectionDriver driver, TlsEngine engine) {
        ClientHelloInfo hello = engine.clientHello();
        if (alpnCallback == null || hello == null || hello.alpnProtocols().isEmpty()) {
            return true; // OpenSSL calls no ALPN selection for a client that offers nothing, nor does Node
        }
        List<String> offered = hello.alpnProtocols();
        try {
            String chosen = alpnCallback.select(hello.servername().isEmpty() ? null : hello.servername(), offered);
            if (chosen != null && !offered.contains(chosen)) {
                throw new TlsException("ERR_TLS_ALPN_CALLBACK_INVALID_RESULT", "ALPN callback returned a value ("
                        + chosen + ") that did not match any of the client's offered protocols ("
                        + String.join(", ", offered) + ")");
            }
            engine.chooseAlpn(chosen);
            return true;
        } catch (RuntimeException e) {
            driver.fail(e);
            return false;
        }
    }

    @Override
    void onEstablished(ConnectionDriver driver, TlsEngine engine) {
        ConnectionHost host = driver.host();
        host.emitSecure();
        if (host.destroyed()) {
            return;
        }
        if (requestCert) {
            TlsException error = engine.verifyError();
            if (error != null) {
                driver.authorize(false, error.code());
                if (rejectUnauthorized) {
                    // Reported as tlsClientError ECONNRESET "socket hang up", as Node, with the
                    // reason (which Node leaves on authorizationError only) as its cause.
                    rejection = VerifyFailure.describe(error, driver.snapshot().peerCertificate(true), host.peer(),
                            Instant.now());
                    host.destroy(null);
                    return;
                }
            } else {
                driver.authorize(true, null);
            }
        }
        boolean released = !controlReleased;
        controlReleased = true;
        driver.allowData();
        if (released && server != null && !host.destroyed()) {
            server.secureConnection();
        }
    }

    @Override
    void setVerification(TlsEngine engine, boolean requestCert, boolean rejectUnauthorized) {
        if (requestCert != this.requestCert || rejectUnauthorized != this.rejectUnauthorized) {
            engine.setVerifyMode(requestCert, rejectUnauthorized);
            this.requestCert = requestCert;
            this.rejectUnauthorized = rejectUnauthorized;
        }
    }

    /**
     * Node's {@code onServerSocketSecure} again, which as a {@code 'secure'} listener registered
     * first runs before the application's (a {@code renegotiate()} callback among them): the
     * client is checked as the renegotiation asked ({@code requestCert}), a rejected one is
     * destroyed, and {@code 'secure'} follows; {@code 'secureConnection'} is not repeated.
     */
    @Override
    void onRenegotiated(ConnectionDriver driver, TlsEngine engine) {
        ConnectionHost host = driver.host();
        if (requestCert) {
            TlsException error = engine.verifyError();
            driver.authorize(error == null, error == null ? null : error.code());
            if (error != null && rejectUnauthorized) {
                host.destroy(null);
            }
        }
        host.emitSecure();
    }

    // ------------------------------------------------------------------ SNI

    /** Node's {@code oncertcb}: asks the SNICallback, if any; the handshake (and reader) waits. */
    @Override
    void onCertCallback(ConnectionDriver driver, TlsEngine engine) {
        CertCallbackInfo info = engine.certCallbackInfo();
        String name = info == null ? "" : info.servername();
        if (name.isEmpty() || sni == null) {
            requestOcsp(driver, info, null);
            return;
        }
        try {
            sni.select(name, new ApplicationAnswer<NativeSecureContext>(driver, (live, context) -> {
                if (context != null) {
                    try {
                        live.useSniContext(context);
                    } catch (RuntimeException e) {
                        driver.fail(e);
                        return;
                    }
                }
                requestOcsp(driver, live.certCallbackInfo(), context);
            }));
        } catch (RuntimeException e) {
            driver.fail(e);
        }
    }

    // ------------------------------------------------------------------ OCSP stapling

    /**
     * Node's {@code requestOCSP}, after SNI: when the client asked for a staple and the server has
     * an {@code 'OCSPRequest'} listener, the handshake waits for its callback; the response is
     * handed to the engine before the handshake goes on, so OpenSSL staples it in TLS 1.3 as well.
     */
    private void requestOcsp(ConnectionDriver driver, CertCallbackInfo info, NativeSecureContext sniContext) {
        if (info == null || !info.ocspRequest() || server == null) {
            driver.resumeHandshake();
            return;
        }
        boolean heard;
        try {
            heard = server.ocspRequest(sniContext, new ApplicationAnswer<byte[]>(driver, (live, response) -> {
                if (response != null && response.length > 0) { // an empty response staples nothing
                    try {
                        live.setOcspResponse(response);
                    } catch (RuntimeException e) {
                        driver.fail(e);
                        return;
                    }
                }
                driver.resumeHandshake();
            }));
        } catch (RuntimeException e) {
            driver.fail(e);
            return;
        }
        if (!heard) {
            driver.resumeHandshake();
        }
    }

    // ------------------------------------------------------------------ failures

    @Override
    void fail(ConnectionHost host, Throwable error) {
        if (!controlReleased) {
            host.destroy(null); // first, as Node: the listener sees a destroyed socket
            reportClientError(error);
        } else {
            host.destroy(error);
        }
    }

    private void reportClientError(Throwable error) {
        if (clientErrorReported || controlReleased || server == null) {
            return;
        }
        clientErrorReported = true;
        server.clientError(error);
    }

    /** Node's {@code onSocketClose} for servers: a socket that closed before the handshake ended. */
    @Override
    void onClose(boolean hadError) {
        // The guard first: every connection closes, few before their handshake ended, and an
        // exception (its stack trace) per connection only to be dropped costs ~1 us.
        if (!hadError && !clientErrorReported && !controlReleased && server != null) {
            reportClientError(new TlsException("ECONNRESET", "socket hang up", rejection));
        }
    }

    @Override
    TlsException rejection() {
        return rejection;
    }

    @Override
    boolean quietAfterHandshake(TlsException error) {
        return rejectUnauthorized && String.valueOf(error.getMessage()).contains(PEER_DID_NOT_RETURN_A_CERTIFICATE);
    }

    @Override
    boolean renegotiationExceeded(long now) {
        if (renegotiations == null) {
            renegotiations = new RenegotiationLimit(renegotiationLimit, renegotiationWindowSeconds);
        }
        return renegotiations.exceededBy(now);
    }

    @Override
    public boolean rejectUnauthorized() {
        return rejectUnauthorized;
    }

    @Override
    public boolean requestCert() {
        return requestCert;
    }
}
