package io.jtls;

import io.jtls.context.SecureContextOptions;
import io.jtls.error.TlsException;
import io.jtls.handshake.CipherInfo;
import io.jtls.handshake.EphemeralKeyInfo;
import io.jtls.internal.context.SecureContexts;
import io.jtls.internal.engine.TlsEngine;
import io.jtls.internal.tls.ConnectionDriver;
import io.jtls.internal.tls.ConnectionHost;
import io.jtls.internal.tls.HandshakePolicy;
import io.jtls.internal.tls.HandshakeSnapshot;
import io.jtls.internal.tls.ServerPolicy;
import io.jtls.net.Duplex;
import io.jtls.net.Event;
import io.jtls.net.EventKey;
import io.jtls.net.LayeredSocket;
import io.jtls.net.Signal;
import io.jtls.net.Socket;
import io.jtls.x509.Certificate;
import java.nio.ByteBuffer;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Node's {@code tls.TLSSocket}: a TLS connection over another stream, itself a {@link Duplex}
 * of plaintext. The stream underneath (the <em>transport</em>) is a {@link Socket} or any
 * {@link Duplex}, a {@code TlsSocket} included (TLS inside TLS).
 *
 * <h2>Events, in Node's order</h2>
 * {@link #CONNECT} (when the socket underneath connects), {@link #SECURE} (handshake complete,
 * before verification), {@link #SECURE_CONNECT} (client made by {@link Tls#connect}: only once the
 * server's certificate passed verification or {@code rejectUnauthorized} is false), then the
 * stream's {@code 'data'}, {@code 'end'}, {@code 'finish'}, {@code 'drain'}, {@code 'error'} and
 * {@code 'close'}; on clients {@link #SESSION} (after {@code 'secureConnect'}, once per TLS 1.2
 * handshake or TLS 1.3 ticket), with {@code requestOCSP} {@link #OCSP_RESPONSE} (before
 * {@code 'secure'}), {@link #KEYLOG} (each NSS key log line, from the moment a listener exists);
 * {@code 'secure'} again after each renegotiation. Every event is emitted on the socket's loop
 * thread ({@link #loop()}: the
 * transport's loop).
 *
 * <h2>What Node guarantees and so does this class</h2>
 * <ul>
 *   <li>Nothing the application writes leaves before the connection is secure and verified:
 *       writes made earlier are kept and sent after {@code 'secureConnect'} (client) or
 *       {@code 'secureConnection'} (server), and dropped if verification fails.</li>
 *   <li>A failed handshake on a server's socket is reported as the server's
 *       {@code 'tlsClientError'} (with Node's code) and the socket is destroyed; a peer that
 *       goes away before the handshake ends is {@code ECONNRESET "socket hang up"}.</li>
 *   <li>{@link #write} returns false once 16 KiB wait and {@code 'drain'} follows; when the
 *       transport pushes back, encryption stops until it drains.</li>
 * </ul>
 *
 * <h2>Threading, snapshot and live queries, absent values</h2>
 * The rules of the whole API (see the {@linkplain io.jtls package documentation}): every event on
 * the socket's loop; what the handshake established ({@link #getProtocol}, {@link #getCipher},
 * {@link #getPeerCertificate}, ...) is an immutable snapshot any thread reads at once; live
 * queries ({@link #getSession}, {@link #exportKeyingMaterial}, ...) wait only on threads that
 * run no TLS connections, and have {@code *Async} variants; Node's {@code undefined},
 * {@code false} and {@code null} are {@code null}, each method says which.
 */
public class TlsSocket extends LayeredSocket {
    /** {@code 'secureConnect'} (clients of {@link Tls#connect}): secure and verified. */
    public static final Signal SECURE_CONNECT = new Signal("secureConnect");
    /** {@code 'secure'}: the handshake completed (before Node's verification step). */
    public static final Signal SECURE = new Signal("secure");
    /** {@code 'connect'}: the socket underneath connected (re-emitted from it). */
    public static final Signal CONNECT = Socket.CONNECT;
    /** {@code 'timeout'}: idle for the time given to {@link #setTimeout}. */
    public static final Signal TIMEOUT = Socket.TIMEOUT;
    /**
     * {@code 'session'} (clients): a session to resume later with the {@code session} option, in
     * OpenSSL's DER form. Once per TLS 1.2 handshake, once per ticket with TLS 1.3 (possibly after
     * {@code 'secureConnect'}); never before the server's certificate passed verification (a
     * session that arrives earlier waits, the latest one wins, as Node's pending session).
     */
    public static final Event<byte[]> SESSION = new Event<>("session");
    /**
     * {@code 'OCSPResponse'} (clients with {@code requestOCSP}): the OCSP response the server
     * stapled (DER), or null when it stapled none (Node: {@code undefined}), once the server's
     * certificate flight is read: before {@code 'secure'} and {@code 'secureConnect'}, so that a
     * listener may destroy the socket for a response it does not accept. TLS 1.2 and 1.3.
     */
    public static final Event<byte[]> OCSP_RESPONSE = new Event<>("OCSPResponse");
    /**
     * {@code 'keylog'}: one line of NSS key log text ({@code CLIENT_RANDOM ...} for TLS 1.2, five
     * secrets per TLS 1.3 handshake), ending in a newline, as OpenSSL derives it, for
     * {@code SSLKEYLOGFILE}-style decryption (Wireshark). Emitted from the moment a listener is
     * added (Node's rule), on clients and servers' sockets alike; see also
     * {@link TlsServer#KEYLOG} and the {@code jtls.tls.keylog} property (Node's {@code --tls-keylog}).
     */
    public static final Event<byte[]> KEYLOG = new Event<>("keylog");

    /** The parts of the options that the socket's own getters report. */
    record Shape(TlsServer server, List<String> alpnProtocols, SniCallback sniCallback, byte[] session,
                 boolean requestOCSP) {}

    private final Shape shape;
    private final SecureContext secureContext;
    private final ConnectionDriver driver;

    /**
     * Node's {@code new tls.TLSSocket(socket)}: a client with Node's defaults.
     *
     * @param socket the socket
     */
    public TlsSocket(Duplex socket) {
        this(socket, TlsSocketOptions.DEFAULTS);
    }

    /**
     * Node's {@code new tls.TLSSocket(socket, options)}: TLS over {@code socket} (any
     * {@link Duplex}, connected or not). The socket is the TLS socket's from now on: its bytes
     * are read by the TLS layer, and destroying one destroys the other.
     *
     * @param socket the socket
     * @param options the options
     * @throws TlsException when a secure context cannot be built from the options
     * @throws io.jtls.error.TlsArgumentException for an option Node rejects with a TypeError or RangeError
     */
    @SuppressWarnings("this-escape") // the driver is wired to this socket while it is built, as Node wires its handle
    public TlsSocket(Duplex socket, TlsSocketOptions options) {
        this(socket, new Shape(options.server(), options.alpnProtocols(), options.sniCallback(), options.session(),
                        options.requestOCSP()),
                self -> CallbackAdapters.policyFor(options, self),
                options.secureContext(), options.contextOptions(), options.handshakeTimeout());
        if (options.enableTrace()) {
            enableTraceBeforeBegin();
        }
        useOnRead(options.onread());
        begin();
    }

    /**
     * The one real constructor: {@code policy} makes the client or server side for this socket;
     * a null {@code context} is built from {@code contextOptions} for this socket alone. Nothing
     * happens on the transport until {@link #begin()}.
     */
    TlsSocket(Duplex socket, Shape shape, Function<TlsSocket, HandshakePolicy> policy, SecureContext context,
              SecureContextOptions contextOptions, Duration handshakeTimeout) {
        super(socket);
        this.shape = shape;
        boolean ownContext = context == null;
        this.secureContext = ownContext ? Tls.createSecureContext(contextOptions) : context;
        try {
            this.driver = new ConnectionDriver(socket, new Host(), policy.apply(this),
                    SecureContexts.nativeOf(secureContext), handshakeTimeout);
        } finally {
            if (ownContext) {
                this.secureContext.close(); // the engine holds its own reference: freed with it
            }
        }
    }

    /** Node's {@code onread} option of {@code tls.connect}, before {@link #begin()}. */
    final void onread(io.jtls.net.OnRead option) {
        useOnRead(option);
    }

    /** Takes over the transport: on the loop, after everything the caller set up before this call. */
    final void begin() {
        if (shape.server() != null && isServer()) {
            on(CLOSE, driver::onClose); // Node's onSocketClose: a hang-up before the handshake ended
        }
        driver.begin();
    }

    // ------------------------------------------------------------------ Duplex, on the loop

    @Override
    protected void writeChunk(ByteBuffer chunk, Consumer<Throwable> callback) {
        driver.write(chunk, callback);
    }

    @Override
    protected void writeBorrowedChunk(ByteBuffer chunk) {
        driver.writeBorrowed(chunk);
    }

    @Override
    protected void writeEnd() {
        driver.end();
    }

    @Override
    protected void readStart() {
        driver.readStart();
    }

    @Override
    protected void readStop() {
        driver.readStop();
    }

    @Override
    protected void destroyImpl(Throwable error) {
        driver.onDestroy(error);
    }

    /** The socket as its driver sees it: the stream machinery and the socket's events. */
    private final class Host implements ConnectionHost {
        @Override public boolean push(ByteBuffer plaintext) { return TlsSocket.this.push(plaintext); }
        @Override public ByteBuffer plaintextTarget(ByteBuffer loopBuffer) { return readTarget(loopBuffer); }
        @Override public void pushEnd() { TlsSocket.this.pushEnd(); }
        @Override public boolean readingWanted() { return isReadingWanted(); }
        @Override public void flushed(long bytes) { TlsSocket.this.flushed(bytes); }
        @Override public void finished() { TlsSocket.this.finished(); }
        @Override public void callLater(Consumer<Throwable> callback, Throwable error) { TlsSocket.this.callLater(callback, error); }
        @Override public void destroy(Throwable error) { TlsSocket.this.destroy(error); }
        @Override public boolean destroyed() { return TlsSocket.this.destroyed(); }
        @Override public void emitConnect() { emit(CONNECT); }
        @Override public void emitSecure() { emit(SECURE); }
        @Override public void emitSecureConnect() { emit(SECURE_CONNECT); }
        @Override public boolean wantsSessions() { return listenerCount(SESSION) > 0; }
        @Override public void emitSession(byte[] session) { emit(SESSION, session); }
        @Override public void emitOcspResponse(byte[] response) { emit(OCSP_RESPONSE, response); }
        @Override public String peer() {
            String address = remoteAddress();
            return address == null ? null : (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + remotePort();
        }

        @Override
        public boolean wantsKeylog() {
            return listenerCount(KEYLOG) > 0 || (shape.server() != null && shape.server().listenerCount(TlsServer.KEYLOG) > 0);
        }

        @Override
        public void emitKeylog(byte[] line) {
            emit(KEYLOG, line.clone());
            TlsServer server = shape.server();
            if (server != null && isServer()) {
                server.emitWith(TlsServer.KEYLOG, l -> l.accept(line.clone(), TlsSocket.this));
            }
        }
    }

    /** Node's {@code keylogNewListener}: the first {@link #KEYLOG} listener switches key logging on. */
    @Override
    protected void listenerAdded(EventKey<?> key) {
        super.listenerAdded(key);
        if (key == KEYLOG && driver != null) { // null while Duplex's constructor runs
            driver.queries().queryAsync(engine -> { // on the loop, with the live engine (none once destroyed)
                engine.enableKeylog();
                return null;
            });
        }
    }

    // ------------------------------------------------------------------ Node's properties

    /**
     * Node's {@code tlsSocket.encrypted}: always true.
     *
     * @return Node's {@code tlsSocket.encrypted}: always true
     */
    public boolean encrypted() { return true; }

    /**
     * True for a server-side socket (Node's {@code isServer} option).
     *
     * @return true for a server-side socket (Node's {@code isServer} option)
     */
    public boolean isServer() { return driver.policy() instanceof ServerPolicy; }

    /**
     * The server this socket was accepted by (Node's {@code tlsSocket.server}), or null.
     *
     * @return the server this socket was accepted by (Node's {@code tlsSocket.server}), or null
     */
    public TlsServer server() { return shape.server(); }

    /**
     * Whether the peer's certificate is requested: always for clients, by option for servers.
     *
     * @return whether the peer's certificate is requested: always for clients, by option for servers
     */
    public boolean requestCert() { return driver.policy().requestCert(); }

    /**
     * Whether an unverified peer is rejected.
     *
     * @return whether an unverified peer is rejected
     */
    public boolean rejectUnauthorized() { return driver.policy().rejectUnauthorized(); }

    /**
     * The ALPN protocols this socket offers or accepts, or null.
     *
     * @return the ALPN protocols this socket offers or accepts, or null
     */
    public List<String> alpnProtocols() { return shape.alpnProtocols(); }

    /**
     * The server's {@link SniCallback} for this socket, or null.
     *
     * @return the server's {@link SniCallback} for this socket, or null
     */
    public SniCallback sniCallback() { return shape.sniCallback(); }

    /**
     * The {@code session} option this client was given, or null.
     *
     * @return the {@code session} option this client was given, or null
     */
    public byte[] sessionOption() { return shape.session() == null ? null : shape.session().clone(); }

    /**
     * The {@code requestOCSP} option.
     *
     * @return the {@code requestOCSP} option
     */
    public boolean requestOCSP() { return shape.requestOCSP(); }

    /**
     * The secure context the connection was made from.
     *
     * @return the secure context the connection was made from
     */
    public SecureContext secureContext() { return secureContext; }

    /**
     * Node's {@code tlsSocket.authorized}: true when the peer's certificate verified (for a
     * client made by {@link Tls#connect}, also against the host name). Any thread.
     *
     * @return Node's {@code tlsSocket.authorized}: true when the peer's certificate verified (for a client
     *         made by {@link Tls#connect}, also against the host name)
     */
    public boolean authorized() {
        HandshakeSnapshot s = driver.snapshot();
        return s != null && s.authorized();
    }

    /**
     * Node's {@code tlsSocket.authorizationError}: why the peer was not authorized, or null. Any thread.
     *
     * @return Node's {@code tlsSocket.authorizationError}: why the peer was not authorized, or null
     */
    public String authorizationError() {
        HandshakeSnapshot s = driver.snapshot();
        return s == null ? null : s.authorizationError();
    }

    /**
     * Node's {@code tlsSocket.alpnProtocol}: the protocol selected, or null (Node: {@code false}). Any thread.
     *
     * @return Node's {@code tlsSocket.alpnProtocol}: the protocol selected, or null (Node: {@code false})
     */
    public String alpnProtocol() {
        HandshakeSnapshot s = driver.snapshot();
        return s == null ? null : s.alpnProtocol();
    }

    /**
     * Node's {@code tlsSocket.servername}: the SNI name sent (client) or received (server), or
     * null (Node: {@code false} after a handshake without SNI). A server socket has it as soon as
     * the ClientHello was read, so a {@code 'tlsClientError'} listener sees it, as in Node. Any thread.
     *
     * @return Node's {@code tlsSocket.servername}: the SNI name sent (client) or received (server), or null
     *         (Node: {@code false} after a handshake without SNI)
     */
    public String servername() {
        HandshakeSnapshot s = driver.snapshot();
        return s != null ? s.servername() : driver.requestedServername();
    }

    /**
     * True once the handshake completed (Node's {@code _secureEstablished}). Any thread.
     *
     * @return true once the handshake completed (Node's {@code _secureEstablished})
     */
    public boolean secureEstablished() { return driver.snapshot() != null; }

    // ------------------------------------------------------------------ what the handshake established (any thread)

    /** The snapshot's {@code value}; {@code before} before the handshake completed; null once destroyed. */
    private <T> T established(Function<HandshakeSnapshot, T> value, T before) {
        if (destroyed()) {
            return null;
        }
        HandshakeSnapshot s = driver.snapshot();
        return s == null ? before : value.apply(s);
    }

    /**
     * Node's {@code getProtocol()}: "TLSv1.3", "TLSv1.2", ...; "unknown" before the handshake; null once destroyed.
     *
     * @return Node's {@code getProtocol()}: "TLSv1.3", "TLSv1.2", ...; "unknown" before the handshake; null
     *         once destroyed
     */
    public String getProtocol() { return established(HandshakeSnapshot::protocol, "unknown"); }

    /**
     * Node's {@code getCipher()}; null before the handshake completed or once destroyed.
     *
     * @return Node's {@code getCipher()}; null before the handshake completed or once destroyed
     */
    public CipherInfo getCipher() { return established(HandshakeSnapshot::cipher, null); }

    /**
     * Node's {@code getEphemeralKeyInfo()}: the key exchange's key on a client
     * ({@link EphemeralKeyInfo#NONE} when it used none); null on a server, before the handshake
     * completed or once destroyed.
     *
     * @return Node's {@code getEphemeralKeyInfo()}: the key exchange's key on a client ({@link
     *         EphemeralKeyInfo#NONE} when it used none); null on a server, before the handshake completed or
     *         once destroyed
     */
    public EphemeralKeyInfo getEphemeralKeyInfo() {
        return established(HandshakeSnapshot::ephemeralKeyInfo, null);
    }

    /**
     * Node's {@code getFinished()}: the Finished message this side sent; null before or once destroyed.
     *
     * @return Node's {@code getFinished()}: the Finished message this side sent; null before or once
     *         destroyed
     */
    public byte[] getFinished() { return established(HandshakeSnapshot::finished, null); }

    /**
     * Node's {@code getPeerFinished()}: the peer's Finished message; null before or once destroyed.
     *
     * @return Node's {@code getPeerFinished()}: the peer's Finished message; null before or once destroyed
     */
    public byte[] getPeerFinished() { return established(HandshakeSnapshot::peerFinished, null); }

    /**
     * Node's {@code isSessionReused()}.
     *
     * @return Node's {@code isSessionReused()}
     */
    public boolean isSessionReused() { return Boolean.TRUE.equals(established(HandshakeSnapshot::sessionReused, false)); }

    /**
     * Node's {@code getPeerCertificate()}: see {@link #getPeerCertificate(boolean)}.
     *
     * @return Node's {@code getPeerCertificate()}: see {@link #getPeerCertificate(boolean)}
     */
    public Certificate getPeerCertificate() { return getPeerCertificate(false); }

    /**
     * Node's {@code getPeerCertificate([detailed])}: the peer's certificate, with its issuer chain
     * ({@link Certificate#issuerCertificate()}) when {@code detailed}; null when the peer sent
     * none (Node: {@code {}}), before the handshake completed, or once destroyed (Node: {@code null}).
     *
     * @param detailed the detailed
     * @return Node's {@code getPeerCertificate([detailed])}: the peer's certificate, with its issuer chain
     *         ({@link Certificate#issuerCertificate()}) when {@code detailed}; null when the peer sent none
     *         (Node: {@code {}}), before the handshake completed, or once destroyed (Node: {@code null})
     */
    public Certificate getPeerCertificate(boolean detailed) {
        return established(s -> s.peerCertificate(detailed), null);
    }

    // ------------------------------------------------------------------ live queries (see the class doc)

    /**
     * Node's {@code getSession()}: the session in OpenSSL's DER form ({@code i2d_SSL_SESSION}), for
     * the {@code session} option of a later connect; null before the handshake or once
     * destroyed. With TLS 1.3 the resumable sessions arrive after the handshake: use
     * {@link #SESSION}, as Node recommends. A live query: see the class documentation.
     *
     * @return Node's {@code getSession()}: the session in OpenSSL's DER form ({@code i2d_SSL_SESSION}), for
     *         the {@code session} option of a later connect; null before the handshake or once destroyed
     */
    public byte[] getSession() {
        return driver.queries().query(TlsEngine::session);
    }

    /**
     * {@link #getSession()} without waiting: the future completes on this socket's loop.
     *
     * @return {@link #getSession()} without waiting: the future completes on this socket's loop
     */
    public CompletableFuture<byte[]> getSessionAsync() { return driver.queries().queryAsync(TlsEngine::session); }

    /**
     * Node's {@code getTLSTicket()}: on a client, the session ticket of its current session
     * ({@code SSL_SESSION_get0_ticket}), null when the session has none (resumption by session
     * id) or the socket was destroyed; always null on a server. For debugging. A live query.
     *
     * @return Node's {@code getTLSTicket()}: on a client, the session ticket of its current session ({@code
     *         SSL_SESSION_get0_ticket}), null when the session has none (resumption by session id) or the
     *         socket was destroyed; always null on a server
     */
    public byte[] getTLSTicket() {
        return driver.queries().query(TlsEngine::tlsTicket);
    }

    /**
     * {@link #getTLSTicket()} without waiting.
     *
     * @return {@link #getTLSTicket()} without waiting
     */
    public CompletableFuture<byte[]> getTLSTicketAsync() { return driver.queries().queryAsync(TlsEngine::tlsTicket); }

    /**
     * Node's {@code getCertificate()}: this side's certificate, or null when it has none (Node:
     * {@code {}}) or the socket was destroyed (Node: {@code null}). A live query (the server's
     * certificate may change with SNI until the handshake ends).
     *
     * @return Node's {@code getCertificate()}: this side's certificate, or null when it has none (Node:
     *         {@code {}}) or the socket was destroyed (Node: {@code null})
     */
    public Certificate getCertificate() {
        return driver.queries().query(TlsEngine::certificate);
    }

    /**
     * {@link #getCertificate()} without waiting.
     *
     * @return {@link #getCertificate()} without waiting
     */
    public CompletableFuture<Certificate> getCertificateAsync() { return driver.queries().queryAsync(TlsEngine::certificate); }

    /**
     * Node's {@code exportKeyingMaterial(length, label, context)} (RFC 5705). A live query.
     *
     * @param length the length
     * @param label the label
     * @param context the secure context
     * @return Node's {@code exportKeyingMaterial(length, label, context)} (RFC 5705)
     * @throws TlsException {@code ERR_TLS_INVALID_STATE} before the handshake completed
     */
    public byte[] exportKeyingMaterial(int length, String label, byte[] context) {
        SocketArguments.checkKeyingMaterial(length, label);
        return SocketArguments.requireEstablished(driver.queries().query(e -> e.exportKeyingMaterial(length, label, context)));
    }

    /**
     * {@link #exportKeyingMaterial} without waiting; the future fails as the method throws.
     *
     * @param length the length
     * @param label the label
     * @param context the secure context
     * @return {@link #exportKeyingMaterial} without waiting; the future fails as the method throws
     */
    public CompletableFuture<byte[]> exportKeyingMaterialAsync(int length, String label, byte[] context) {
        SocketArguments.checkKeyingMaterial(length, label);
        return driver.queries().queryAsync(e -> e.exportKeyingMaterial(length, label, context)).thenApply(SocketArguments::requireEstablished);
    }

    /**
     * Node's {@code setMaxSendFragment(size)}: records of at most {@code size} bytes from now on
     * (512 to 16384); false when the size is out of range or the socket is destroyed. A live query.
     *
     * @param size the size in bytes
     * @return Node's {@code setMaxSendFragment(size)}: records of at most {@code size} bytes from now on (512
     *         to 16384); false when the size is out of range or the socket is destroyed
     */
    public boolean setMaxSendFragment(int size) {
        if (size < 512 || size > 16384) {
            return false;
        }
        return Boolean.TRUE.equals(driver.queries().query(e -> e.setMaxSendFragment(size)));
    }

    /**
     * Node's {@code setServername(name)}: the SNI name a client sends, before the handshake. A
     * live query.
     *
     * @param name the name
     * @throws TlsException {@code ERR_TLS_SNI_FROM_SERVER} on a server socket
     * @throws io.jtls.error.TlsArgumentException {@code ERR_INVALID_ARG_TYPE} for a null name
     */
    public void setServername(String name) {
        SocketArguments.requireString(name, "name"); // Node's validateString, before the side is checked
        if (isServer()) {
            throw new TlsException("ERR_TLS_SNI_FROM_SERVER", "Cannot issue SNI from a TLS server-side socket");
        }
        driver.queries().query(e -> {
            e.setServername(name);
            return null;
        });
    }

    /**
     * Node's {@code disableRenegotiation()}: a renegotiation attempt on this socket becomes an
     * {@code 'error'} ({@code ERR_TLS_RENEGOTIATION_DISABLED}).
     */
    public void disableRenegotiation() {
        driver.disableRenegotiation();
    }

    /**
     * Node's {@code renegotiate(options, callback)} (TLS 1.2): a new handshake on this connection,
     * asking, on a server, for the verification given ({@code requestCert} makes the client send
     * its certificate, checked as on a first handshake; a rejected client is destroyed). When it
     * completes, {@link #SECURE} is emitted again (both ends, as Node) and {@code callback} gets
     * null; a failure of the new handshake is the socket's {@code 'error'}, as in Node, and the
     * callback is not called. When it cannot start, it returns false and {@code callback} gets
     * the error on the loop: OpenSSL's, as in Node (TLS 1.3: {@code ERR_SSL_WRONG_SSL_VERSION},
     * message {@code error:0A00010A:SSL routines::wrong ssl version}), or
     * {@code ERR_TLS_RENEGOTIATE} before the first handshake completed. A live query: see the
     * class documentation. Renegotiations the peer starts are handled too: see
     * {@link #disableRenegotiation()} and {@link Tls#CLIENT_RENEG_LIMIT}.
     *
     * @param callback called once on the loop with the error, or null on success; may be null
     * @param requestCert true to request a certificate from the peer
     * @param rejectUnauthorized true to fail connections whose peer certificate does not verify
     * @return false when the renegotiation could not start (or the socket is destroyed; Node:
     *         {@code undefined}, without calling back)
     */
    public boolean renegotiate(boolean requestCert, boolean rejectUnauthorized, Consumer<Throwable> callback) {
        return !destroyed() && Renegotiation.start(this, driver, requestCert, rejectUnauthorized, callback);
    }

    /**
     * {@link #renegotiate(boolean, boolean, Consumer)} keeping this socket's {@code requestCert} and {@code rejectUnauthorized}.
     *
     * @param callback called when done
     * @return {@link #renegotiate(boolean, boolean, Consumer)} keeping this socket's {@code requestCert} and
     *         {@code rejectUnauthorized}
     */
    public boolean renegotiate(Consumer<Throwable> callback) {
        return renegotiate(requestCert(), rejectUnauthorized(), callback);
    }

    /**
     * Node's {@code enableTrace()}: from now on OpenSSL prints every TLS message of this connection
     * ({@code SSL_trace}) to standard error ({@code System.err}). The {@code enableTrace} option
     * does it before the first message.
     *
     * @throws UnsupportedOperationException when the loaded libssl was built without {@code SSL_trace}
     */
    public void enableTrace() {
        SocketArguments.requireTrace();
        driver.queries().queryAsync(engine -> {
            engine.enableTrace();
            return null;
        });
    }

    /** The {@code enableTrace} option: before {@link #begin()}, on the constructing thread. */
    final void enableTraceBeforeBegin() {
        SocketArguments.requireTrace();
        driver.enableTraceBeforeBegin();
    }

    /**
     * Node's {@code getSharedSigalgs()}: the signature algorithms both sides support, most
     * preferred first, named as Node names them ({@code "ECDSA+SHA256"}, {@code "RSA-PSS+SHA256"},
     * {@code "Ed25519+UNDEF"}); a client has them only when the server asked for its
     * certificate. Null once destroyed. A live query.
     *
     * @return Node's {@code getSharedSigalgs()}: the signature algorithms both sides support, most preferred
     *         first, named as Node names them ({@code "ECDSA+SHA256"}, {@code "RSA-PSS+SHA256"}, {@code
     *         "Ed25519+UNDEF"}); a client has them only when the server asked for its certificate
     */
    public List<String> getSharedSigalgs() {
        return driver.queries().query(TlsEngine::sharedSigalgs);
    }

    /**
     * {@link #getSharedSigalgs()} without waiting.
     *
     * @return {@link #getSharedSigalgs()} without waiting
     */
    public CompletableFuture<List<String>> getSharedSigalgsAsync() { return driver.queries().queryAsync(TlsEngine::sharedSigalgs); }

    /**
     * Node's {@code getPeerX509Certificate()}: the peer's certificate as the JDK's
     * {@link X509Certificate}, for the JDK's PKI APIs; null when the peer sent
     * none, before the handshake completed or once destroyed (Node: {@code undefined}). Any thread.
     *
     * @return Node's {@code getPeerX509Certificate()}: the peer's certificate as the JDK's {@link
     *         X509Certificate}, for the JDK's PKI APIs; null when the peer sent none, before the handshake
     *         completed or once destroyed (Node: {@code undefined})
     */
    public X509Certificate getPeerX509Certificate() {
        return JdkCertificates.of(getPeerCertificate());
    }

    /**
     * Node's {@code getX509Certificate()}: this side's certificate as the JDK's
     * {@link X509Certificate}; null when it has none or the socket was
     * destroyed (Node: {@code undefined}). A live query.
     *
     * @return Node's {@code getX509Certificate()}: this side's certificate as the JDK's {@link
     *         X509Certificate}; null when it has none or the socket was destroyed (Node: {@code undefined})
     */
    public X509Certificate getX509Certificate() {
        return JdkCertificates.of(getCertificate());
    }

    /**
     * {@link #getX509Certificate()} without waiting.
     *
     * @return {@link #getX509Certificate()} without waiting
     */
    public CompletableFuture<X509Certificate> getX509CertificateAsync() {
        return getCertificateAsync().thenApply(JdkCertificates::of);
    }

    // Covariant returns, so that calls chain on a TlsSocket as in Node.

    @Override
    public TlsSocket setTimeout(long millis, Runnable onTimeout) {
        super.setTimeout(millis, onTimeout);
        return this;
    }

    @Override
    public TlsSocket setNoDelay(boolean noDelay) {
        super.setNoDelay(noDelay);
        return this;
    }

    @Override
    public TlsSocket setKeepAlive(boolean enable, long initialDelayMillis) {
        super.setKeepAlive(enable, initialDelayMillis);
        return this;
    }

    /** For log lines: the side and the peer's address and port. */
    @Override
    protected String describe() {
        Socket socket = bottomSocket();
        String peer = socket == null ? String.valueOf(transport)
                : socket.remoteAddress() == null ? "unconnected" : "peer " + socket.remoteAddress() + ":" + socket.remotePort();
        return "TlsSocket[" + (isServer() ? "server" : "client") + ", " + peer + "]";
    }

    // Node's emitter methods, returning this TlsSocket so that calls chain on the receiver's own type.

    @Override
    public <L> TlsSocket on(io.jtls.net.EventKey<L> key, L listener) {
        super.on(key, listener);
        return this;
    }

    @Override
    public <L> TlsSocket once(io.jtls.net.EventKey<L> key, L listener) {
        super.once(key, listener);
        return this;
    }

    @Override
    public <L> TlsSocket off(io.jtls.net.EventKey<L> key, L listener) {
        super.off(key, listener);
        return this;
    }

    @Override
    public TlsSocket ref() {
        super.ref();
        return this;
    }

    @Override
    public TlsSocket unref() {
        super.unref();
        return this;
    }
}
