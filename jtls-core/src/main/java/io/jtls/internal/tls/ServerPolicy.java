package io.jtls.internal.tls;

import io.jtls.error.TlsException;
import io.jtls.internal.context.NativeSecureContext;
import io.jtls.internal.engine.CertCallbackInfo;
import io.jtls.internal.engine.ClientHelloInfo;
import io.jtls.internal.engine.PausePoint;
import io.jtls.internal.engine.AlpnList;
import io.jtls.internal.engine.TlsEngine;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server's handshake: Node's {@code onServerSocketSecure} ({@code requestCert} and
 * {@code rejectUnauthorized}, then {@code 'secureConnection'}), the {@code SNICallback} pause,
 * {@code tlsClientError} routing (until the handshake is done a failure belongs to the server,
 * Node's {@code _controlReleased}), and the client renegotiation limit
 * ({@code CLIENT_RENEG_LIMIT} per {@code CLIENT_RENEG_WINDOW} seconds).
 */
public final class ServerPolicy extends HandshakePolicy {
    /** The server's ALPN preference list, made once per server. */
    private final AlpnList alpn;
    private static final String PEER_DID_NOT_RETURN_A_CERTIFICATE = "peer did not return a certificate";

    private final boolean requestCert;
    private final boolean rejectUnauthorized;
    private final SniSelector sni;
    private final ServerHooks server;
    private final int renegotiationLimit;
    private final int renegotiationWindowSeconds;
    private RenegotiationLimit renegotiations; // made at the first renegotiation
    /** Node's {@code _controlReleased}: errors go to the socket, not to the server. */
    private boolean controlReleased;
    private boolean clientErrorReported;
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
        if (requestCert || rejectUnauthorized) {
            engine.setVerifyMode(requestCert, rejectUnauthorized);
        }
        if (!alpn.isEmpty()) {
            engine.setAlpnProtocols(alpn); // encoded once per server, shared by its connections
        }
        sessions.configure(engine, true);
        if (sni != null) {
            engine.pauseAt(PausePoint.CERT_CALLBACK);
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
                    host.destroy(null); // reported as tlsClientError ECONNRESET "socket hang up", as Node
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

    // ------------------------------------------------------------------ SNI

    /** Node's {@code oncertcb}: asks the SNICallback, if any; the handshake (and reader) waits. */
    @Override
    void onCertCallback(ConnectionDriver driver, TlsEngine engine) {
        CertCallbackInfo info = engine.certCallbackInfo();
        String name = info == null ? "" : info.servername();
        if (name.isEmpty() || sni == null) {
            driver.resumeHandshake();
            return;
        }
        AtomicInteger calls = new AtomicInteger();
        try {
            sni.select(name, (error, context) -> {
                int call = calls.incrementAndGet();
                driver.loop().execute(() -> onSniSelected(driver, call, error, context));
            });
        } catch (RuntimeException e) {
            driver.fail(e);
        }
    }

    private void onSniSelected(ConnectionDriver driver, int call, Throwable error, NativeSecureContext context) {
        if (call > 1) {
            driver.fail(new TlsException("ERR_MULTIPLE_CALLBACK", "Callback called multiple times"));
            return;
        }
        if (error != null) {
            driver.fail(error);
            return;
        }
        TlsEngine engine = driver.engine();
        if (engine == null || driver.host().destroyed()) {
            return;
        }
        if (context != null) {
            try {
                engine.useSniContext(context);
            } catch (RuntimeException e) {
                driver.fail(e);
                return;
            }
        }
        driver.resumeHandshake();
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
        if (!hadError) {
            reportClientError(new TlsException("ECONNRESET", "socket hang up"));
        }
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
