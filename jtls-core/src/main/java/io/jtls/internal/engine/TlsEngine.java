package io.jtls.internal.engine;

import io.jtls.context.Constants;
import io.jtls.error.OpenSslError;
import io.jtls.error.TlsException;
import io.jtls.handshake.CipherInfo;
import io.jtls.handshake.EphemeralKeyInfo;
import io.jtls.internal.openssl.ErrorQueue;
import io.jtls.internal.openssl.NativeHandle;
import io.jtls.internal.openssl.NativeKind;
import io.jtls.internal.openssl.PskCalls;
import io.jtls.internal.openssl.OcspCalls;
import io.jtls.internal.openssl.SslCalls;
import io.jtls.internal.openssl.Types;
import io.jtls.x509.Certificate;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

/**
 * One TLS connection as a state machine over its own BIO ({@code EngineBio}): bytes in, bytes out, no
 * sockets, no threads (rustls's sans-IO core, with Node's {@code TLSWrap} verbs).
 *
 * <h2>Data path</h2>
 * Two sides, as in Node's {@code crypto_tls.h}: the <em>encrypted</em> side faces the
 * network, the <em>clear</em> side faces the application.
 * <ul>
 *   <li>{@link #encIn(ByteBuffer)}: ciphertext received from the peer goes in;</li>
 *   <li>{@link #clearOut(ByteBuffer)}: plaintext comes out ({@code SSL_read}); -1 once the
 *       peer's close_notify arrived;</li>
 *   <li>{@link #clearIn(ByteBuffer)}: plaintext to send goes in ({@code SSL_write});</li>
 *   <li>{@link #encOut(ByteBuffer)}: ciphertext for the peer comes out; {@link #encPending()}
 *       says how much is waiting.</li>
 * </ul>
 * {@link #handshake()} advances the handshake ({@code clearOut} and {@code clearIn} do too,
 * as {@code SSL_read}/{@code SSL_write} do), {@link #shutdown()} queues close_notify, and
 * {@link #close()} frees the connection. A driver loops: feed what the socket read with
 * {@code encIn}, call {@code handshake} or {@code clearOut}, write everything
 * {@code encOut} yields to the socket, repeat.
 *
 * <h2>Failures</h2>
 * A fatal protocol error throws {@link io.jtls.error.OpenSslException} with Node's code
 * ({@code ERR_SSL_NO_SHARED_CIPHER}, {@code ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION}, ...) and
 * moves the engine to {@link EngineState#FAILED}; the same exception is thrown again by later
 * calls (sticky, as Go's {@code Conn}). The alert OpenSSL queued for the peer stays readable
 * through {@link #encOut}: write it before closing the socket, as Node flushes alerts before
 * {@code onerror}.
 *
 * <h2>Certificate verification</h2>
 * Never fails inside OpenSSL (Node's {@code VerifyCallback} returns 1): the handshake
 * completes and {@link #verifyError()} tells the outcome, for the layer above to apply
 * {@code rejectUnauthorized} and {@code checkServerIdentity}.
 *
 * <h2>Pause points</h2>
 * A server engine can stop its handshake for the application ({@link #pauseAt(PausePoint)}):
 * the call that reaches the point returns with a paused {@link #state()}, the application
 * reads {@link #clientHello()} or {@link #certCallbackInfo()}, decides, possibly
 * asynchronously, and calls {@link #resumeHandshake()}. No application code runs inside an
 * OpenSSL callback, with one guarded exception: PSK keys, which OpenSSL cannot wait for
 * ({@link Psk}; the engine refuses to be driven while one is being looked up).
 *
 * <h2>Threading</h2>
 * Not thread-safe: an engine is confined to one thread at a time by its user (the
 * connection's event loop), like every object of a Node connection. It may be created on one
 * thread and handed to another with the usual happens-before (a queue, a lock).
 *
 * <h2>Native memory</h2>
 * The engine owns its {@code SSL}, and through {@code SSL_set_bio} its one BIO, an
 * {@code EngineBio} that reads from and writes into memory the caller lends
 * ({@link #lendInput}, {@link #lendOutput}) and keeps only what a call leaves over, in
 * storage that exists only while it holds bytes; {@code SSL_free} frees the BIO and its storage. It holds a
 * reference on its {@link EngineContext} from before {@code SSL_new} until after
 * {@code SSL_free}, so the owner may close a context while its connections live; the reference
 * and the engine's upcall id go with the {@code SSL} even when the Cleaner frees it (an engine
 * nobody closed). {@link #close()} frees everything exactly once; afterwards every method but
 * {@code close} and {@link #state()} throws {@link IllegalStateException}.
 *
 * <h2>The shared context is never touched</h2>
 * Every context-level hook was installed when the context was built ({@link ContextHooks});
 * the engine only sets per-connection state ({@code SSL_set_*}) and answers the hooks. SNI
 * copies the chosen context's certificates into the {@code SSL} ({@link #useSniContext}) and
 * leaves the connection on its own context, as Node does.
 */
public final class TlsEngine implements AutoCloseable {
    // ---- constant ----
    private final boolean server;
    /** Owns the SSL and, since SSL_set_bio, both BIOs: closing it frees all three. */
    private final NativeHandle sslHandle;
    /** sslHandle's pointer; read only while the state is not DESTROYED. */
    private final MemorySegment ssl;
    /** The SSL's read and write BIO, an {@code EngineBio} (borrowed: the SSL owns it). */
    private final MemorySegment bio;
    /** {@link #bio}'s native struct: loans and leftovers; read only while the state is not DESTROYED. */
    private final MemorySegment bioState;
    /** Bytes of stored output moved into the current output loan's buffer before the loan ({@link #lendOutput}). */
    private long lentOutputStart;
    /** This engine's id in {@link EngineRegistry}, kept in the SSL's ex_data for upcalls. */
    private final int id;
    /** The context the SSL was made from; retained until after SSL_free. */
    private final EngineContext context;

    // ---- set up before the handshake ----
    private boolean pauseAtClientHello;
    private boolean pauseAtCertCallback;
    /** Server ALPN preference list, for {@link EngineUpcalls#alpnSelect}; null = no ALPN. */
    private AlpnList serverAlpn;
    /** Node's {@code pskCallback} as the engine asks it (see {@link Psk}); null without PSK. */
    private Psk.ServerKeys pskServer;
    private Psk.ClientKeys pskClient;
    /** Node's {@code ALPNCallback} answer, chosen at the ClientHello pause ({@link #chooseAlpn}); null: not chosen. */
    private AlpnChoice alpnChoice;
    /** The largest plaintext per record ({@code setMaxSendFragment}): heap writes are cut at multiples of it. */
    private int maxFragment = MAX_FRAGMENT;

    /** TLS's largest record plaintext, 2^14 bytes. */
    private static final int MAX_FRAGMENT = 16384;

    // ---- progress ----
    private EngineState state = EngineState.NEW;
    private TlsException failure;
    /** Set when the application resumed from the pause point: OpenSSL calls the callback again. */
    private boolean clientHelloReleased;
    private boolean certCallbackReleased;
    private ClientHelloInfo clientHello;
    private CertCallbackInfo certCallbackInfo;
    /** True while a PSK key function runs inside OpenSSL's callback: the engine must not be driven (see {@link Psk}). */
    private boolean inApplicationCallback;
    /** A Throwable an upcall caught; turned into the engine's failure when OpenSSL returns. */
    private Throwable upcallFailure;
    /** Session resumption: new sessions to hand out, the server's lookup (see EngineSessions). */
    private final EngineSessions sessions;
    /** OCSP stapling: a client's request and what it received, a server's staple. */
    private final EngineOcsp ocsp = new EngineOcsp();
    /** Key log lines and the message trace, when asked for (see ConnectionDiagnostics). */
    private final ConnectionDiagnostics diagnostics = new ConnectionDiagnostics();

    private TlsEngine(EngineContext context, boolean server, boolean closedByOwner) {
        Objects.requireNonNull(context, "context");
        this.server = server;
        this.context = context;
        this.sessions = new EngineSessions(closedByOwner);
        context.retain(); // throws for a context its owner closed
        int registered = EngineRegistry.register(this);
        ErrorQueue.clear();
        MemorySegment raw = SslCalls.SSL_new(context.sslCtx());
        if (Types.isNull(raw)) {
            EngineRegistry.unregister(registered);
            context.release();
            throw ErrorQueue.exception("SSL_new", "ERR_OSSL_MALLOC_FAILURE");
        }
        // After SSL_free, by close() or by the Cleaner: the id and the context reference go too.
        // (The action captures the context and the id, never the engine.) A socket's engine is
        // always closed by its driver: no Cleaner registration (a process-wide lock) per connection.
        Runnable afterFree = () -> {
            EngineRegistry.unregister(registered);
            context.release();
        };
        this.sslHandle = closedByOwner ? NativeHandle.ownAlwaysClosed(NativeKind.SSL, raw, afterFree)
                : NativeHandle.own(NativeKind.SSL, raw, afterFree);
        this.ssl = raw;
        this.id = registered;
        MemorySegment engineBio = MemorySegment.NULL;
        try {
            // One BIO of jtls's own for both directions (EngineBio): it reads from memory the
            // caller lends and writes into memory the caller lends, and keeps only what a call
            // leaves over; it takes all it is given (encIn never refuses, SSL_write never blocks)
            // and reads as "retry" when empty (SSL reports WANT_READ), as a memory BIO.
            // Adopted by the SSL on the next call: no NativeHandle (no Cleaner registration, no
            // shared counters) for a life of one call.
            engineBio = EngineBio.newBio();
            if (Types.isNull(engineBio)) {
                throw ErrorQueue.exception("BIO_new", "ERR_OSSL_MALLOC_FAILURE");
            }
            SslCalls.SSL_set_bio(raw, engineBio, engineBio); // one reference for both roles: the SSL owns it from here
            if (SslCalls.SSL_set_ex_data(raw, EngineUpcalls.EX_INDEX, MemorySegment.ofAddress(registered)) != 1) {
                throw ErrorQueue.exception("SSL_set_ex_data", "ERR_OSSL_MALLOC_FAILURE");
            }
            // Verification is decided after the handshake (Node's SetVerifyMode may raise the mode).
            SslCalls.SSL_set_verify(raw, SslCalls.SSL_VERIFY_NONE, EngineUpcalls.VERIFY_CONTINUE);
            // As Node: free idle read/write buffers, retry internally over non-application
            // records (TLS 1.3 tickets), and let a retried SSL_write come from another address.
            SslCalls.SSL_set_mode(raw, SslCalls.SSL_MODE_RELEASE_BUFFERS | SslCalls.SSL_MODE_AUTO_RETRY
                    | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
            if (server) {
                SslCalls.SSL_set_accept_state(raw);
            } else {
                SslCalls.SSL_set_connect_state(raw);
            }
        } catch (RuntimeException | Error e) {
            sslHandle.close(); // unregisters and releases the context (and frees the BIO once adopted)
            throw e;
        }
        this.bio = engineBio;
        this.bioState = EngineBio.state(engineBio);
    }

    /** {@code # define SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER 0x00000002U} */
    private static final long SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER = 0x02L;

    /**
     * A client connection on {@code context}, which it retains until {@link #close()}.
     * Configure it ({@link #setServername}, {@link #setAlpnProtocols}), then call
     * {@link #handshake()} to produce the ClientHello.
     *
     * @throws IllegalStateException when the context's owner closed it
     */
    public static TlsEngine client(EngineContext context) {
        return new TlsEngine(context, false, false);
    }

    /** A server connection on {@code context} (retained, as for {@link #client}). */
    public static TlsEngine server(EngineContext context) {
        return new TlsEngine(context, true, false);
    }

    /**
     * A connection for an owner that closes it on every path (a socket's driver, on destroy): as
     * {@link #client}/{@link #server}, without the Cleaner backstop for an engine nobody closed,
     * which costs a process-wide lock per connection. Never for an engine a user holds.
     */
    public static TlsEngine alwaysClosedByOwner(EngineContext context, boolean server) {
        return new TlsEngine(context, server, true);
    }

    // ------------------------------------------------------------------ configuration

    /**
     * Node's {@code ssl.setVerifyMode(requestCert, rejectUnauthorized)}. A server that
     * requests a certificate uses {@code SSL_VERIFY_PEER}, plus
     * {@code SSL_VERIFY_FAIL_IF_NO_PEER_CERT} when it rejects unauthorized clients (then a
     * client without a certificate fails the handshake with
     * {@code ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE}, as in Node). A client always uses
     * {@code SSL_VERIFY_NONE} and checks the server's certificate after the handshake
     * (OpenSSL still verifies it and keeps the result). Also between handshakes: Node's
     * {@code renegotiate()} sets the mode its next handshake uses.
     */
    public void setVerifyMode(boolean requestCert, boolean rejectUnauthorized) {
        requireLive();
        if (state != EngineState.NEW && state != EngineState.ESTABLISHED) {
            throw new IllegalStateException("setVerifyMode() must be called before or between handshakes, not " + state);
        }
        int mode = SslCalls.SSL_VERIFY_NONE;
        if (server && requestCert) {
            mode = SslCalls.SSL_VERIFY_PEER;
            if (rejectUnauthorized) {
                mode |= SslCalls.SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
            }
        }
        SslCalls.SSL_set_verify(ssl, mode, EngineUpcalls.VERIFY_CONTINUE); // the callback still never fails
        if (server && requestCert && state == EngineState.ESTABLISHED) {
            // A client answers a HelloRequest by offering to resume its session (OpenSSL's
            // abbreviated renegotiation), and a resumed handshake carries no certificate: the
            // request would be silently void (as it is in Node). A new session makes it real.
            SslCalls.SSL_set_options(ssl, Constants.SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION);
        }
    }

    /** Node's {@code ssl.setServername(name)}: the SNI host name a client sends. */
    public void setServername(String servername) {
        requireBeforeHandshake("setServername");
        if (server) {
            throw new IllegalStateException("setServername() is for client connections");
        }
        try (Arena arena = Arena.ofConfined()) {
            ErrorQueue.clear();
            if (SslCalls.SSL_set_tlsext_host_name(ssl, arena.allocateFrom(servername)) != 1) {
                throw ErrorQueue.exception("SSL_set_tlsext_host_name", "ERR_SSL_SSL3_EXT_INVALID_SERVERNAME");
            }
        }
    }

    /**
     * Node's {@code ssl.setALPNProtocols(buffer)}: a client offers the protocols; a server
     * selects the first of its own that the client offered ({@code SSL_select_next_proto}),
     * and answers a client that offered none of them with a fatal
     * {@code no_application_protocol} alert, as Node does since v17 (RFC 7301 section 3.2).
     * A server that serves many connections makes its list once: {@link #setAlpnProtocols(AlpnList)}.
     */
    public void setAlpnProtocols(List<String> protocols) {
        requireBeforeHandshake("setAlpnProtocols");
        if (server) {
            setAlpnProtocols(AlpnList.of(protocols));
            return;
        }
        byte[] wire = Alpn.wireFormat(protocols);
        try (Arena arena = Arena.ofConfined()) {
            ErrorQueue.clear();
            // SSL_set_alpn_protos returns 0 on success (unlike most of OpenSSL).
            if (SslCalls.SSL_set_alpn_protos(ssl, arena.allocateFrom(ValueLayout.JAVA_BYTE, wire), wire.length) != 0) {
                throw ErrorQueue.exception("SSL_set_alpn_protos", "ERR_OSSL_MALLOC_FAILURE");
            }
        }
    }

    /**
     * A server's ALPN preference list, made once per server ({@link AlpnList#of}) and shared by
     * its connections; null or an empty list selects nothing (no ALPN extension in the answer).
     */
    public void setAlpnProtocols(AlpnList protocols) {
        requireBeforeHandshake("setAlpnProtocols");
        if (!server) {
            throw new IllegalStateException("an AlpnList is a server's selection list");
        }
        serverAlpn = protocols == null || protocols.isEmpty() ? null : protocols;
    }

    /** Node's {@code ssl.setMaxSendFragment(size)}: true when OpenSSL accepted the size (512 to 16384). */
    public boolean setMaxSendFragment(int size) {
        requireLive();
        ErrorQueue.clear();
        boolean ok = SslCalls.SSL_set_max_send_fragment(ssl, size) == 1;
        ErrorQueue.clear();
        if (ok) {
            maxFragment = size;
        }
        return ok;
    }

    /**
     * Node's {@code enablePskCallback()} and {@code setPskIdentityHint(hint)} on a server, before
     * the handshake: {@code keys} answers each identity a client sends (TLS 1.2 PSK suites and
     * TLS 1.3 external PSKs), from inside OpenSSL's callback (see {@link Psk}); {@code identityHint}
     * (or null) goes to TLS 1.2 clients.
     *
     * @throws io.jtls.error.TlsException {@code ERR_TLS_PSK_SET_IDENTIY_HINT_FAILED} (Node's
     *         spelling) when OpenSSL refuses the hint (longer than {@link PskCalls#PSK_MAX_IDENTITY_LEN} bytes)
     */
    public void setPskServer(Psk.ServerKeys keys, String identityHint) {
        requireBeforeHandshake("setPskServer");
        if (!server) {
            throw new IllegalStateException("setPskServer() is for server connections");
        }
        pskServer = Objects.requireNonNull(keys, "keys");
        // On this SSL only: OpenSSL accepts PSK suites only where a server callback is set.
        PskCalls.SSL_set_psk_server_callback(ssl, PskUpcalls.SERVER);
        if (identityHint != null) {
            try (Arena arena = Arena.ofConfined()) {
                ErrorQueue.clear();
                if (PskCalls.SSL_use_psk_identity_hint(ssl, arena.allocateFrom(identityHint)) != 1) {
                    ErrorQueue.clear();
                    throw new TlsException("ERR_TLS_PSK_SET_IDENTIY_HINT_FAILED", "Failed to set PSK identity hint");
                }
            }
        }
    }

    /**
     * Node's {@code enablePskCallback()} on a client, before the handshake: {@code keys} gives the
     * identity and key for the server's hint (null in TLS 1.3), from inside OpenSSL's callback
     * (see {@link Psk}). OpenSSL offers PSK suites only on clients with a callback.
     */
    public void setPskClient(Psk.ClientKeys keys) {
        requireBeforeHandshake("setPskClient");
        if (server) {
            throw new IllegalStateException("setPskClient() is for client connections");
        }
        pskClient = Objects.requireNonNull(keys, "keys");
        PskCalls.SSL_set_psk_client_callback(ssl, PskUpcalls.CLIENT);
    }

    /**
     * Node's {@code ALPNCallback} result, while paused at the ClientHello: the protocol the ALPN
     * selection will answer (one the client offered, see {@link ClientHelloInfo#alpnProtocols()}),
     * or null to refuse every protocol with a fatal {@code no_application_protocol} alert. Takes
     * the place of the server's ALPN list for this connection.
     *
     * @throws IllegalArgumentException when the client did not offer {@code protocol}
     */
    public void chooseAlpn(String protocol) {
        requireLive();
        if (!server || state != EngineState.AWAITING_CLIENT_HELLO) {
            throw new IllegalStateException("chooseAlpn() needs a server paused at the ClientHello, not " + state);
        }
        if (protocol != null && (clientHello == null || !clientHello.alpnProtocols().contains(protocol))) {
            throw new IllegalArgumentException("the client did not offer " + protocol);
        }
        alpnChoice = new AlpnChoice(protocol);
    }

    /** A protocol chosen by {@link #chooseAlpn}; a null protocol refuses them all. */
    private record AlpnChoice(String protocol) {}

    /**
     * Makes a handshake stop at {@code point} until {@link #resumeHandshake()}. The hooks are
     * the context's ({@link ContextHooks}); connections that did not ask to pause pass straight
     * through them. A client may pause at {@link PausePoint#CERT_CALLBACK} only: OpenSSL calls
     * it there when a server's CertificateRequest arrived (see {@link #peerCaNames()}).
     */
    public void pauseAt(PausePoint point) {
        requireBeforeHandshake("pauseAt");
        if (!server && point != PausePoint.CERT_CALLBACK) {
            throw new IllegalStateException("a client pauses at the certificate callback only");
        }
        switch (point) {
            case CLIENT_HELLO -> pauseAtClientHello = true;
            case CERT_CALLBACK -> pauseAtCertCallback = true;
        }
    }

    /**
     * Node's {@code UseSNIContext} and {@code SetCACerts}, while paused at the certificate
     * callback: the SNI context's certificates, keys and chains are copied into this connection
     * beside the default ones (OpenSSL then picks one per the client's signature algorithms, as
     * for Node), and its trust store and client CA names replace the connection's. Everything
     * else (ALPN, ticket keys, session id context, session cache, verification mode) stays the
     * server's own context's. The copies hold their own references: the engine does not need
     * {@code other} afterwards. On a client paused at the certificate callback only the
     * certificates and keys are copied (its trust store checks the server, and it sends no CA
     * names): the client certificate for the server's CertificateRequest.
     */
    public void useSniContext(EngineContext other) {
        requireLive();
        if (state != EngineState.AWAITING_CERT_CALLBACK) {
            throw new IllegalStateException("useSniContext() needs a handshake paused at the certificate callback, not " + state);
        }
        other.retain(); // its borrowed pointers stay valid while we copy
        try {
            SniMaterial material = other.sniMaterial();
            ErrorQueue.clear();
            for (SniMaterial.Identity identity : material.identities()) {
                if (SslCalls.SSL_use_certificate(ssl, identity.certificate()) != 1
                        || SslCalls.SSL_use_PrivateKey(ssl, identity.privateKey()) != 1
                        || (!Types.isNull(identity.chain()) && SslCalls.SSL_set1_chain(ssl, identity.chain()) != 1)) {
                    throw ErrorQueue.exception("SSL_use_certificate", "ERR_OSSL_SSL_CERTIFICATE");
                }
            }
            if (!server) {
                return;
            }
            if (SslCalls.SSL_set1_verify_cert_store(ssl, material.certStore()) != 1) {
                throw ErrorQueue.exception("SSL_set1_verify_cert_store", "ERR_OSSL_MALLOC_FAILURE");
            }
            if (!Types.isNull(material.clientCaList())) {
                MemorySegment names = SslCalls.SSL_dup_CA_list(material.clientCaList());
                if (Types.isNull(names)) {
                    throw ErrorQueue.exception("SSL_dup_CA_list", "ERR_OSSL_MALLOC_FAILURE");
                }
                SslCalls.SSL_set_client_CA_list(ssl, names); // takes ownership of the copy
            }
        } finally {
            other.release();
        }
    }

    /**
     * Node's {@code requestOCSP} option, on a client before the handshake: the ClientHello asks
     * for a stapled OCSP response ({@code status_request}); what the server sent, or that it sent
     * none, comes out of {@link #takeOcspResponse()} during the handshake.
     */
    public void requestOcsp() {
        requireBeforeHandshake("requestOcsp");
        if (server) {
            throw new IllegalStateException("requestOcsp() is for client connections");
        }
        ocsp.request(ssl);
    }

    /**
     * Node's {@code setOCSPResponse}, while paused at the certificate callback: staples
     * {@code der} to this handshake's Certificate message (TLS 1.2: the CertificateStatus message;
     * TLS 1.3: the leaf's status_request extension). OpenSSL asks for it just after the
     * certificate callback, so the response is in place for both versions.
     */
    public void setOcspResponse(byte[] der) {
        requireLive();
        if (!server || state != EngineState.AWAITING_CERT_CALLBACK) {
            throw new IllegalStateException("setOcspResponse() needs a server paused at the certificate callback, not " + state);
        }
        ocsp.staple(ssl, der);
    }

    /**
     * On a client that {@link #requestOcsp() asked}: what the server's certificate flight carried,
     * once, after the handshake call that read it (Node emits {@code 'OCSPResponse'} then, before
     * the handshake completes); null when there is nothing new.
     */
    public OcspResponse takeOcspResponse() {
        requireLive();
        return ocsp.take();
    }

    /**
     * On a client that {@link #requestOcsp() asked}: the staple read so far, or null; unlike
     * {@link #takeOcspResponse()} it is there as soon as the message carrying it was read, so
     * that a JSSE trust manager checking the server's chain sees it.
     */
    public byte[] heldOcspResponse() {
        requireLive();
        return ocsp.held(ssl);
    }

    /**
     * A client's handshake has just read the server's Certificate and nothing after it: in TLS 1.2
     * the server's CertificateStatus may be the next message.
     */
    public boolean justReadServerCertificate() {
        requireLive();
        return !server && OcspCalls.SSL_get_state(ssl) == OcspCalls.TLS_ST_CR_CERT;
    }

    // ------------------------------------------------------------------ handshake

    /**
     * Advances the handshake as far as the input fed so far allows: on a new client this
     * produces the ClientHello. Returns the state after: {@code HANDSHAKING} (feed more
     * ciphertext), a paused state, or {@code ESTABLISHED}.
     *
     * @throws io.jtls.error.OpenSslException on a fatal handshake error (the alert is left in encOut)
     */
    public EngineState handshake() {
        requireUsable();
        if (state.isPaused() || state == EngineState.ESTABLISHED) {
            return state;
        }
        state = EngineState.HANDSHAKING;
        ErrorQueue.clear();
        int rc = SslCalls.SSL_do_handshake(ssl);
        if (rc == 1) {
            checkUpcallFailure();
            state = EngineState.ESTABLISHED;
            return state;
        }
        int error = SslCalls.SSL_get_error(ssl, rc); // at once: nothing may touch the queue in between
        onStall(error, "SSL_do_handshake");
        return state;
    }

    /**
     * Continues a handshake paused at a {@link PausePoint} once the application decided,
     * and advances it like {@link #handshake()}. Node's {@code certCbDone()} /
     * {@code endParser()}.
     */
    public EngineState resumeHandshake() {
        requireUsable();
        switch (state) {
            case AWAITING_CLIENT_HELLO -> clientHelloReleased = true;
            case AWAITING_CERT_CALLBACK -> certCallbackReleased = true;
            default -> throw new IllegalStateException("resumeHandshake() needs a paused handshake, not " + state);
        }
        state = EngineState.HANDSHAKING;
        return handshake();
    }

    /**
     * Node's {@code ssl.renegotiate()} on an established TLS 1.2 connection: {@code SSL_renegotiate},
     * then the first step of the new handshake (a client's ClientHello, a server's HelloRequest),
     * left in encOut. The handshake goes on in {@link #clearOut}; {@link #handshakeInProgress()}
     * says when it is over. When OpenSSL refuses to start (TLS 1.3, {@code SSL_OP_NO_RENEGOTIATION})
     * the exception is OpenSSL's, as Node's, and the connection is unharmed.
     *
     * @throws io.jtls.error.OpenSslException why it cannot start ({@code ERR_SSL_WRONG_SSL_VERSION}),
     *         or a fatal error of the handshake's first step (then the engine has failed)
     */
    public void renegotiate() {
        requireUsable();
        if (state != EngineState.ESTABLISHED) {
            throw new IllegalStateException("renegotiate() needs an established connection, not " + state);
        }
        ErrorQueue.clear();
        if (SslCalls.SSL_renegotiate(ssl) != 1) {
            throw ErrorQueue.exception("SSL_renegotiate", "ERR_TLS_RENEGOTIATE");
        }
        int rc = SslCalls.SSL_do_handshake(ssl);
        if (rc != 1) {
            onStall(SslCalls.SSL_get_error(ssl, rc), "SSL_do_handshake");
        }
    }

    /**
     * True while a handshake after the first one (a renegotiation) is under way, including a
     * server's HelloRequest that the client has not answered yet.
     */
    public boolean handshakeInProgress() {
        requireLive();
        return SslCalls.SSL_in_init(ssl) == 1 || SslCalls.SSL_renegotiate_pending(ssl) == 1;
    }

    /** Ciphertext received but not yet read by OpenSSL. */
    public int encInPending() {
        requireLive();
        return (int) EngineBio.inPending(bioState);
    }

    /**
     * Node's {@code enableKeylogCallback()}: from now on the NSS key log lines OpenSSL derives
     * for this connection are kept for {@link #takeKeylogLines()}.
     */
    public void enableKeylog() {
        requireLive();
        diagnostics.enableKeylog();
    }

    /** The key log lines (each ending in a newline, as Node's) since the last call, or null. */
    public List<byte[]> takeKeylogLines() {
        return diagnostics.takeKeylogLines();
    }

    /**
     * Node's {@code enableTrace()}: every TLS message from now on is printed by OpenSSL's
     * {@code SSL_trace}; the text waits for {@link #takeTrace()}.
     *
     * @throws UnsupportedOperationException when the loaded libssl has no {@code SSL_trace}
     */
    public void enableTrace() {
        requireLive();
        diagnostics.enableTrace(ssl);
    }

    /** True when the loaded libssl has {@code SSL_trace} (Debian's does; {@code no-ssl-trace} builds do not). */
    public static boolean traceAvailable() {
        return ConnectionDiagnostics.traceAvailable();
    }

    /** The trace text printed since the last call, or null. */
    public String takeTrace() {
        return state == EngineState.DESTROYED ? null : diagnostics.takeTrace();
    }

    /** Node's {@code getSharedSigalgs()}: "ECDSA+SHA256", "RSA-PSS+SHA256", ... (empty when none). */
    public List<String> sharedSigalgs() {
        requireLive();
        return ConnectionDiagnostics.sharedSigalgs(ssl);
    }

    /** The 32-byte client random of the current handshake ({@code SSL_get_client_random}). */
    public byte[] clientRandom() {
        requireLive();
        return ConnectionDiagnostics.clientRandom(ssl);
    }

    // ------------------------------------------------------------------ the four verbs

    /**
     * Feeds ciphertext received from the peer; takes all of {@code src} (copied into the
     * engine's storage until OpenSSL reads it). After a failure the bytes are discarded: the
     * connection reads nothing more. A caller that can keep its bytes still for the length of
     * its next engine calls lends them instead ({@link #lendInput}), and saves the copy.
     *
     * @param src the ciphertext
     * @return the number of bytes taken
     */
    public int encIn(ByteBuffer src) {
        requireLive();
        requireOutsideCallback();
        int total = src.remaining();
        if (state == EngineState.FAILED) {
            src.position(src.limit());
            return total;
        }
        detachInputLoan(); // a loan's unread bytes came first
        if (!EngineBio.storeIn(bioState, MemorySegment.ofBuffer(src), 0, total)) {
            throw ErrorQueue.exception("CRYPTO_realloc", "ERR_OSSL_MALLOC_FAILURE");
        }
        src.position(src.limit());
        return total;
    }

    /**
     * Lends the ciphertext in {@code src} (the peer's bytes, e.g. the event loop's read buffer)
     * to the engine until {@link #endInputLoan}: OpenSSL reads it in place during the calls in
     * between ({@link #handshake}, {@link #clearOut}, ...), with no copy. The caller must not
     * change those bytes before {@code endInputLoan}, which copies whatever OpenSSL left unread
     * (a partial record, a paused handshake, a paused reader). A heap buffer is taken as
     * {@link #encIn} takes it. One loan at a time per engine: a second one first ends the first.
     *
     * @param src the ciphertext; its position moves only at {@link #endInputLoan}
     */
    public void lendInput(ByteBuffer src) {
        requireLive();
        requireOutsideCallback();
        if (state == EngineState.FAILED || !src.isDirect()) {
            encIn(src);
            return;
        }
        detachInputLoan();
        if (src.hasRemaining()) {
            MemorySegment lent = MemorySegment.ofBuffer(src);
            EngineBio.lendInput(bioState, lent.address(), lent.byteSize());
        }
    }

    /**
     * Ends the loan {@link #lendInput} made of {@code src}: OpenSSL's unread bytes are copied into
     * the engine, and {@code src} is consumed (its position moves to its limit). Harmless when the
     * engine was closed meanwhile, or the loan already ended.
     *
     * @param src the buffer lent
     */
    public void endInputLoan(ByteBuffer src) {
        if (state != EngineState.DESTROYED && src.isDirect() && src.hasRemaining()
                && EngineBio.inputLoan(bioState) == MemorySegment.ofBuffer(src).address()) {
            src.position(src.limit());
            if (state == EngineState.FAILED) {
                EngineBio.lendInput(bioState, 0, 0); // a failed connection reads nothing more
            } else {
                detachInputLoan();
            }
            return;
        }
        src.position(src.limit());
    }

    /** Ends the current input loan, if any, keeping its unread bytes. */
    private void detachInputLoan() {
        if (EngineBio.inputLent(bioState) && !EngineBio.endInputLoan(bioState)) {
            throw fail(ErrorQueue.drain(), "CRYPTO_realloc", "ERR_OSSL_MALLOC_FAILURE"); // the failed allocation's error too
        }
    }

    /**
     * Lends {@code dst} (a direct buffer: the loop's ciphertext buffer during a flush) to the
     * engine's output until {@link #endOutputLoan}: the engine's stored output is moved into it
     * first, then the records OpenSSL writes in between land in it with no copy, as far as it has
     * room (the rest is stored, behind, for {@link #encOut}); {@link #clearIn} encrypts only what
     * fits. A heap buffer, a loan already made, or stored output that fills {@code dst} leaves
     * the output unlent: the records are stored as without a loan.
     *
     * @param dst where the ciphertext goes, from its position; the position moves at {@link #endOutputLoan}
     */
    public void lendOutput(ByteBuffer dst) {
        requireLive();
        requireOutsideCallback();
        if (!dst.isDirect() || EngineBio.outputLent(bioState)) {
            return;
        }
        MemorySegment to = MemorySegment.ofBuffer(dst);
        long stored = EngineBio.takeOut(bioState, to, 0, to.byteSize());
        if (stored < to.byteSize() && EngineBio.outPending(bioState) == 0) {
            EngineBio.lendOutput(bioState, to.address() + stored, to.byteSize() - stored);
            lentOutputStart = stored;
        } else {
            dst.position(dst.position() + (int) stored);
        }
    }

    /**
     * Ends the loan {@link #lendOutput} made of {@code dst}: its position moves past the
     * ciphertext now in it. Harmless when the engine was closed meanwhile or nothing was lent.
     *
     * @param dst the buffer lent
     * @return the number of ciphertext bytes now in {@code dst} from this loan
     */
    public int endOutputLoan(ByteBuffer dst) {
        if (state == EngineState.DESTROYED || !dst.isDirect() || !dst.hasRemaining()
                || EngineBio.outputLoan(bioState) != MemorySegment.ofBuffer(dst).address() + lentOutputStart) {
            return 0;
        }
        int n = (int) (lentOutputStart + EngineBio.endOutputLoan(bioState));
        lentOutputStart = 0;
        dst.position(dst.position() + n);
        return n;
    }

    /** Ciphertext waiting to be sent to the peer (in the engine's storage): Node's {@code writeQueueSize}. */
    public int encPending() {
        requireLive();
        return (int) EngineBio.outPending(bioState);
    }

    /**
     * Moves ciphertext for the peer into {@code dst}, as much as fits. Works in the
     * {@code FAILED} state too: that is how the fatal alert reaches the peer.
     *
     * @param dst where the ciphertext goes
     * @return the number of bytes written into {@code dst}; 0 when nothing is pending
     */
    public int encOut(ByteBuffer dst) {
        requireLive();
        requireOutsideCallback();
        MemorySegment to = MemorySegment.ofBuffer(dst);
        int n = (int) EngineBio.takeOut(bioState, to, 0, to.byteSize());
        dst.position(dst.position() + n);
        return n;
    }

    /**
     * Bytes the engine copied into its own storage so far: {@code [in, out]}, ciphertext the
     * loans did not save a copy of (everything for {@link #encIn}/{@link #encOut} callers). For
     * tests and diagnostics: a streaming socket connection should copy little of either.
     *
     * @return the two counts
     */
    public long[] storedByteCounts() {
        requireLive();
        return new long[] {bioState.get(ValueLayout.JAVA_LONG, EngineBio.STAGED_IN),
                bioState.get(ValueLayout.JAVA_LONG, EngineBio.STAGED_OUT)};
    }

    /** True when the engine holds no ciphertext storage (an idle connection holds none). */
    boolean storageEmptyForTests() {
        return bioState.get(ValueLayout.JAVA_LONG, EngineBio.IN_BUF) == 0
                && bioState.get(ValueLayout.JAVA_LONG, EngineBio.OUT_BUF) == 0;
    }

    /** The SSL's BIO, for tests of its ownership. */
    MemorySegment bioForTests() {
        return bio;
    }

    /**
     * The record overhead {@link #clearIn} allows per record while output is lent: a 5-byte
     * header plus OpenSSL's largest encryption overhead (padding 256 and a 64-byte MAC,
     * {@code SSL3_RT_MAX_ENCRYPTED_OVERHEAD}), rounded up.
     */
    private static final int LENT_RECORD_OVERHEAD = 384;

    /**
     * Encrypts plaintext for the peer ({@code SSL_write}); the records land in encOut.
     * Before the handshake completes it takes nothing (and drives the handshake instead):
     * keep the data and call again once {@link #state()} is {@code ESTABLISHED}. While output
     * is lent ({@link #lendOutput}) it takes only the whole records that fit in the loan.
     *
     * @param src the plaintext
     * @return the number of bytes taken from {@code src}
     * @throws io.jtls.error.OpenSslException on a fatal error
     */
    public int clearIn(ByteBuffer src) {
        return clearIn(src, LENT_RECORD_OVERHEAD);
    }

    /**
     * {@link #clearIn(ByteBuffer)} for a caller that knows the negotiated suite's largest
     * overhead per record (an {@code SSLEngine}'s {@code wrap}, whose destination is sized for
     * one record plus that overhead, not plus the 384 bytes the other form allows): while output is
     * lent, a record is written when its plaintext plus {@code recordOverhead} fits the loan's
     * room. An overhead too small is no memory hazard: what does not fit the loan is stored.
     *
     * @param src the plaintext
     * @param recordOverhead the ciphertext bytes a record adds to its plaintext, header included
     * @return the number of bytes taken from {@code src}
     * @throws io.jtls.error.OpenSslException on a fatal error
     */
    public int clearIn(ByteBuffer src, int recordOverhead) {
        requireUsable();
        if (state.isPaused()) {
            return 0;
        }
        Scratch scratch = Scratch.get();
        // A heap chunk goes through the scratch buffer: copy whole records' worth, so that the
        // cut never makes a short record in the middle of a write (16 KiB + 2 KiB).
        int heapChunk = Scratch.SIZE / maxFragment * maxFragment;
        boolean lent = EngineBio.outputLent(bioState);
        int total = 0;
        while (src.hasRemaining()) {
            MemorySegment from = MemorySegment.ofBuffer(src);
            int length = src.remaining();
            if (lent) { // whole records into the loan's room, or a last short one that fits
                long room = EngineBio.lentRoom(bioState);
                long fit = room / (maxFragment + recordOverhead) * maxFragment;
                if (fit > 0) {
                    length = (int) Math.min(length, fit);
                } else if (length + recordOverhead > room) {
                    break; // the loan is full: the caller sends it and comes back
                }
            }
            if (!from.isNative()) {
                length = Math.min(length, heapChunk);
                MemorySegment.copy(from, 0, scratch.buffer(), 0, length);
                from = scratch.buffer();
            }
            ErrorQueue.clear();
            int rc = SslCalls.SSL_write_ex(ssl, from, length, scratch.sizeOut());
            if (rc != 1) {
                int error = SslCalls.SSL_get_error(ssl, rc);
                onStall(error, "SSL_write_ex");
                break;
            }
            int written = (int) scratch.size();
            src.position(src.position() + written);
            total += written;
        }
        noteHandshakeProgress();
        return total;
    }

    /**
     * Decrypts what the peer sent into {@code dst} ({@code SSL_read}), as much as fits and is
     * available; during the handshake it drives the handshake, as Node's {@code ClearOut}.
     *
     * @param dst where the plaintext goes
     * @return the number of plaintext bytes written into {@code dst} (0: feed more
     *         ciphertext, or the handshake paused), or -1 once the peer's close_notify was
     *         read and nothing is left (end of stream)
     * @throws io.jtls.error.OpenSslException on a fatal error, such as a fatal alert from the peer
     */
    public int clearOut(ByteBuffer dst) {
        requireUsable();
        if (state.isPaused()) {
            return 0;
        }
        if (closeNotifyReceived()) {
            return -1;
        }
        Scratch scratch = Scratch.get();
        int total = 0;
        while (dst.hasRemaining()) {
            MemorySegment to = MemorySegment.ofBuffer(dst);
            boolean direct = to.isNative();
            int length = direct ? dst.remaining() : Math.min(dst.remaining(), Scratch.SIZE);
            ErrorQueue.clear();
            int rc = SslCalls.SSL_read_ex(ssl, direct ? to : scratch.buffer(), length, scratch.sizeOut());
            if (rc != 1) {
                int error = SslCalls.SSL_get_error(ssl, rc); // at once, as Node's ClearOut insists
                if (error == SslCalls.SSL_ERROR_ZERO_RETURN) {
                    noteHandshakeProgress();
                    return total > 0 ? total : -1;
                }
                onStall(error, "SSL_read_ex");
                break;
            }
            int read = (int) scratch.size();
            if (!direct) {
                MemorySegment.copy(scratch.buffer(), 0, to, 0, read);
            }
            dst.position(dst.position() + read);
            total += read;
        }
        noteHandshakeProgress();
        return total;
    }

    /**
     * Queues close_notify for the peer ({@code SSL_shutdown}), Node's {@code DoShutdown}. Does
     * nothing before the handshake completed or after a fatal error (OpenSSL refuses then, and
     * Node ignores it). The peer's close_notify arrives through {@link #clearOut} (-1).
     *
     * @return true when both close_notify messages have now been exchanged
     */
    public boolean shutdown() {
        requireLive();
        requireOutsideCallback();
        if (state != EngineState.ESTABLISHED) {
            return false;
        }
        ErrorQueue.clear();
        int rc = SslCalls.SSL_shutdown(ssl);
        if (rc < 0) {
            SslCalls.SSL_get_error(ssl, rc);
            ErrorQueue.clear(); // as Node: a failed shutdown is not an error of the connection
            return false;
        }
        return rc == 1;
    }

    /** Frees the connection (SSL, both BIOs, its SSL_CTX reference). Idempotent. */
    @Override
    public void close() {
        if (state == EngineState.DESTROYED) {
            return;
        }
        requireOutsideCallback(); // freeing the SSL under its own callback would pull it from under OpenSSL
        state = EngineState.DESTROYED;
        // SSL_free, which also frees the engine's BIO and its storage (owned since SSL_set_bio); then the handle's
        // after-free action unregisters the id and releases the context.
        sslHandle.close();
        sessions.close(); // after SSL_free: no callback can record another session
        diagnostics.close(); // the trace BIO the SSL borrowed
        clientHello = null;
        certCallbackInfo = null;
        serverAlpn = null;
        pskServer = null;
        pskClient = null;
    }

    // ------------------------------------------------------------------ state

    public EngineState state() {
        return state;
    }

    public boolean isServer() {
        return server;
    }

    /** The fatal error that moved the engine to {@code FAILED}, or null. */
    public TlsException failure() {
        return failure;
    }

    /** True once this side's close_notify is queued. */
    public boolean closeNotifySent() {
        requireLive();
        return (SslCalls.SSL_get_shutdown(ssl) & SslCalls.SSL_SENT_SHUTDOWN) != 0;
    }

    /** True once the peer's close_notify was read. */
    public boolean closeNotifyReceived() {
        requireLive();
        return (SslCalls.SSL_get_shutdown(ssl) & SslCalls.SSL_RECEIVED_SHUTDOWN) != 0;
    }

    /** What the ClientHello said, captured at the {@link PausePoint#CLIENT_HELLO} pause; null before. */
    public ClientHelloInfo clientHello() {
        requireLive();
        return clientHello;
    }

    /**
     * The issuer names the peer listed, as DER X.509 names: on a client paused at the
     * certificate callback, the CertificateRequest's (TLS 1.2) or its certificate_authorities
     * extension's (TLS 1.3); empty when the server listed none.
     *
     * @return the names, in the peer's order
     */
    public List<byte[]> peerCaNames() {
        requireLive();
        return PeerCertificates.caNames(ssl);
    }

    /** What Node's {@code oncertcb} gets, captured at the {@link PausePoint#CERT_CALLBACK} pause; null before. */
    public CertCallbackInfo certCallbackInfo() {
        requireLive();
        return certCallbackInfo;
    }

    // ------------------------------------------------------------------ what was negotiated

    /** Node's {@code getProtocol()}: "TLSv1.3", "TLSv1.2", ...; "unknown" before the handshake. */
    public String protocol() {
        requireLive();
        return NegotiatedParameters.protocol(ssl);
    }

    /** Node's {@code getCipher()}; null before a suite is chosen. */
    public CipherInfo cipher() {
        requireLive();
        return NegotiatedParameters.cipher(ssl);
    }

    /**
     * Node's {@code getEphemeralKeyInfo()}: null on a server (as Node), the key exchange's
     * ephemeral key on a client, {@link EphemeralKeyInfo#NONE} when there was none.
     */
    public EphemeralKeyInfo ephemeralKeyInfo() {
        requireLive();
        return server ? null : NegotiatedParameters.ephemeralKey(ssl);
    }

    /**
     * The key exchange group the handshake used ("X25519", "prime256v1", "ffdhe2048"), on either
     * side (a TLS 1.2 resumption: its session's, as OpenSSL reports it); null when there was none
     * (RSA key transport). For
     * observability: one native query, asked only when an event records it.
     */
    public String keyExchangeGroup() {
        requireLive();
        return NegotiatedParameters.negotiatedGroup(ssl);
    }

    /**
     * Node's {@code getSession()}: the session in OpenSSL's DER form ({@code i2d_SSL_SESSION}),
     * which a later client connection can resume with {@link #setSession(byte[])}; null when
     * there is none. TLS 1.3 sessions arrive after the handshake (NewSessionTicket), read
     * through {@link #clearOut}.
     */
    public byte[] session() {
        requireLive();
        return SessionCodec.encode(SslCalls.SSL_get_session(ssl));
    }

    /**
     * Node's {@code ssl.setSession(buffer)} on a client before the handshake: offers the session
     * for resumption. Like Node, a session that does not parse is ignored (false).
     */
    public boolean setSession(byte[] der) {
        requireBeforeHandshake("setSession");
        try (NativeHandle session = SessionCodec.decode(der)) {
            if (session == null) {
                return false;
            }
            ErrorQueue.clear();
            if (SslCalls.SSL_set_session(ssl, session.get()) != 1) { // takes its own reference
                throw ErrorQueue.exception("SSL_set_session", "ERR_SSL_SET_SESSION");
            }
            return true;
        }
    }

    /**
     * Node's {@code enableSessionCallbacks()}, before the handshake: the sessions OpenSSL creates
     * on this connection are kept for {@link #takeNewSession()} (a client's {@code 'session'}
     * event, a server's {@code 'newSession'}), and a server stops at the ClientHello
     * ({@link EngineState#AWAITING_CLIENT_HELLO}) when there is a session id to look up
     * ({@link #sessionLookupId()}, {@link #loadSession(byte[])}). The cache callbacks are the
     * context's ({@link ContextHooks}); connections that did not enable them are passed by.
     */
    public void enableSessionCallbacks() {
        requireBeforeHandshake("enableSessionCallbacks");
        sessions.enable();
    }

    /** True when OpenSSL created a session that {@link #takeNewSession()} has not handed out. */
    public boolean hasNewSession() {
        requireLive();
        return sessions.hasNewSession();
    }

    /**
     * The oldest new session not handed out yet, or null: a client gets one per TLS 1.2
     * handshake and one per TLS 1.3 ticket; a server one per session it would cache (TLS 1.2
     * with a session id, TLS 1.3 stateful tickets). Needs {@link #enableSessionCallbacks()}.
     */
    public NewSession takeNewSession() {
        requireLive();
        return sessions.takeNewSession();
    }

    /** Frees the new sessions not handed out yet, without encoding them (a client nobody listens to). */
    public void discardNewSessions() {
        requireLive();
        sessions.discardNewSessions();
    }

    /**
     * At the {@link EngineState#AWAITING_CLIENT_HELLO} pause of a server with session callbacks:
     * the session id to look up (TLS 1.2 session id, or TLS 1.3 stateful ticket identity), or null
     * when there is nothing to look up (see {@link SessionLookup}).
     */
    public byte[] sessionLookupId() {
        requireLive();
        return sessions.lookupId();
    }

    /**
     * Node's {@code loadSession(session)}, while paused at the ClientHello: the session the
     * application found for {@link #sessionLookupId()}, offered to OpenSSL when it looks the id
     * up. OpenSSL still refuses it if it expired, belongs to another {@code sessionIdContext} or
     * does not fit the handshake (then a full handshake follows). Bytes that are no session are
     * ignored (false), as in Node.
     */
    public boolean loadSession(byte[] der) {
        requireLive();
        if (!server || state != EngineState.AWAITING_CLIENT_HELLO) {
            throw new IllegalStateException("loadSession() needs a server paused at the ClientHello, not " + state);
        }
        return sessions.load(der);
    }

    /**
     * Node's {@code getTLSTicket()}: on a client, the ticket in its current session
     * ({@code SSL_SESSION_get0_ticket}); null on a server or when there is none.
     */
    public byte[] tlsTicket() {
        requireLive();
        return server ? null : SessionTickets.ticket(SslCalls.SSL_get_session(ssl));
    }

    /** Node's {@code isSessionReused()}. */
    public boolean isSessionReused() {
        requireLive();
        return SslCalls.SSL_session_reused(ssl) == 1;
    }

    /** Node's {@code getFinished()}: the Finished message this side sent; null before. */
    public byte[] finished() {
        requireLive();
        return NegotiatedParameters.finished(ssl, false);
    }

    /** Node's {@code getPeerFinished()}: the Finished message the peer sent; null before. */
    public byte[] peerFinished() {
        requireLive();
        return NegotiatedParameters.finished(ssl, true);
    }

    /** Node's {@code alpnProtocol}: the selected protocol, or null where Node has {@code false}. */
    public String alpnProtocol() {
        requireLive();
        return NegotiatedParameters.alpnProtocol(ssl);
    }

    /**
     * Node's {@code ssl.getServername()}: on a client the SNI name it sent, on a server the one
     * it received; null where Node has {@code false}.
     */
    public String servername() {
        requireLive();
        return NegotiatedParameters.servername(ssl);
    }

    /**
     * The peer certificate's verification result, as Node's {@code VerifyPeerCertificate}
     * ({@code X509_V_OK} is 0; no certificate gives
     * {@code X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT} unless PSK or TLS 1.3 resumption).
     */
    public long verifyResult() {
        requireLive();
        return NegotiatedParameters.verifyResult(ssl);
    }

    /**
     * Node's {@code ssl.verifyError()}: null when the peer's certificate verified, otherwise an
     * error whose {@code code()} is the verify code's name ({@code UNABLE_TO_VERIFY_LEAF_SIGNATURE},
     * {@code CERT_HAS_EXPIRED}, ...) and whose message is OpenSSL's text: the layer above sets
     * {@code authorized}/{@code authorizationError} from it.
     */
    public TlsException verifyError() {
        return VerifyErrors.error(verifyResult());
    }

    /**
     * Node's {@code getCertificate()}: this side's certificate, or null when it sent none
     * (Node returns an empty object for a client without one).
     */
    public Certificate certificate() {
        requireLive();
        return PeerCertificates.local(ssl);
    }

    /**
     * Node's {@code getPeerCertificate(detailed)}: the peer's certificate, or null when it sent
     * none (Node: an empty object). Detailed: each certificate links to its issuer through
     * {@link Certificate#issuerCertificate()}, completed from the trust store, and a
     * self-signed root links to itself.
     */
    public Certificate peerCertificate(boolean detailed) {
        requireLive();
        return PeerCertificates.peer(ssl, server, detailed);
    }

    /**
     * Node's {@code exportKeyingMaterial(length, label, context)} (RFC 5705); context null
     * means none.
     */
    public byte[] exportKeyingMaterial(int length, String label, byte[] context) {
        requireLive();
        if (state != EngineState.ESTABLISHED) {
            throw new TlsException("ERR_TLS_INVALID_STATE", "TLS socket connection must be securely established");
        }
        return NegotiatedParameters.exportKeyingMaterial(ssl, length, label, context);
    }

    @Override
    public String toString() {
        return "TlsEngine[" + (server ? "server" : "client") + " #" + id + ", " + state + "]";
    }

    // ------------------------------------------------------------------ upcalls (no user code)

    /** The client hello callback: true to pause (first time only), after copying the hello. */
    boolean onClientHello() {
        if (clientHelloReleased || state == EngineState.ESTABLISHED) { // a renegotiation never pauses
            return false;
        }
        boolean lookup = server && sessions.onClientHello(ssl);
        if (!pauseAtClientHello && !lookup) {
            return false;
        }
        if (clientHello == null) {
            clientHello = ClientHelloReader.read(ssl); // only possible inside the callback
        }
        return true;
    }

    /** The cert callback: true to pause (first time only), after copying what Node's oncertcb gets. */
    boolean onCertCallback() {
        if (!pauseAtCertCallback || certCallbackReleased || state == EngineState.ESTABLISHED) {
            return false;
        }
        if (certCallbackInfo == null) {
            String name = NegotiatedParameters.servername(ssl);
            boolean ocsp = SslCalls.SSL_get_tlsext_status_type(ssl) == SslCalls.TLSEXT_STATUSTYPE_ocsp;
            certCallbackInfo = new CertCallbackInfo(name == null ? "" : name, ocsp);
        }
        return true;
    }

    /** The OCSP status callback (both sides): see {@link EngineOcsp#onStatus}. */
    int onOcspStatus() {
        return ocsp.onStatus(ssl, server);
    }

    /** Node's {@code SelectALPNCallback}: first server protocol the client offered, else a fatal alert. */
    int onAlpnSelect(MemorySegment out, MemorySegment outlen, MemorySegment in, int inlen) {
        if (server && alpnChoice != null) {
            return selectChosenAlpn(alpnChoice.protocol(), out, outlen, in, inlen);
        }
        AlpnList protocols = serverAlpn;
        if (!server || protocols == null) {
            return SslCalls.SSL_TLSEXT_ERR_NOACK;
        }
        MemorySegment list = protocols.wire();
        int status = SslCalls.SSL_select_next_proto(out, outlen, list, (int) list.byteSize(), in, inlen);
        return status == SslCalls.OPENSSL_NPN_NEGOTIATED ? SslCalls.SSL_TLSEXT_ERR_OK : SslCalls.SSL_TLSEXT_ERR_ALERT_FATAL;
    }

    /**
     * Node's {@code SelectALPNCallback} with an {@code ALPNCallback}: points OpenSSL at the chosen
     * protocol inside the client's own list (OpenSSL copies it); a refusal, or a protocol that is
     * not in this list (a second ClientHello that changed it), is the fatal alert.
     */
    private static int selectChosenAlpn(String protocol, MemorySegment out, MemorySegment outlen,
                                        MemorySegment in, int inlen) {
        if (protocol == null) {
            return SslCalls.SSL_TLSEXT_ERR_ALERT_FATAL;
        }
        byte[] wanted = protocol.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        MemorySegment list = in.reinterpret(inlen);
        int i = 0;
        while (i < inlen) {
            int n = list.get(ValueLayout.JAVA_BYTE, i) & 0xFF;
            if (n == 0 || i + 1 + n > inlen) {
                break;
            }
            MemorySegment name = list.asSlice(i + 1, n);
            if (n == wanted.length && MemorySegment.mismatch(name, 0, n, MemorySegment.ofArray(wanted), 0, n) == -1) {
                out.reinterpret(ValueLayout.ADDRESS.byteSize()).set(ValueLayout.ADDRESS, 0, name);
                outlen.reinterpret(1).set(ValueLayout.JAVA_BYTE, 0, (byte) n);
                return SslCalls.SSL_TLSEXT_ERR_OK;
            }
            i += 1 + n;
        }
        return SslCalls.SSL_TLSEXT_ERR_ALERT_FATAL;
    }

    /** The PSK server callback: the application's key for {@code identity}, copied into {@code psk} (see {@link Psk}). */
    int onPskServer(MemorySegment identity, MemorySegment psk, int maxPskLength) {
        Psk.ServerKeys keys = pskServer;
        if (!server || keys == null) {
            return 0;
        }
        inApplicationCallback = true;
        try {
            return Psk.answerServer(keys, identity, psk, maxPskLength);
        } finally {
            inApplicationCallback = false;
        }
    }

    /** The PSK client callback: the application's identity and key for the server's {@code hint} (see {@link Psk}). */
    int onPskClient(MemorySegment hint, MemorySegment identity, int maxIdentityLength, MemorySegment psk, int maxPskLength) {
        Psk.ClientKeys keys = pskClient;
        if (server || keys == null) {
            return 0;
        }
        inApplicationCallback = true;
        try {
            return Psk.answerClient(keys, hint, identity, maxIdentityLength, psk, maxPskLength);
        } finally {
            inApplicationCallback = false;
        }
    }

    /** The new session callback: true when the engine keeps the session's reference. */
    boolean onNewSession(MemorySegment session) {
        return sessions.onNewSession(ssl, session, server);
    }

    /** The get-session callback: the loaded session (reference handed over), or NULL. */
    MemorySegment onGetSession(MemorySegment id, int length, MemorySegment copy) {
        return server ? sessions.onGetSession(id, length, copy) : MemorySegment.NULL;
    }

    /** The keylog callback: kept only when enabled. */
    void onKeylogLine(MemorySegment line) {
        diagnostics.onKeylogLine(line);
    }

    void recordUpcallFailure(Throwable t) {
        if (upcallFailure == null) {
            upcallFailure = t;
        }
    }

    // ------------------------------------------------------------------ internals

    /**
     * Handles a non-success result of {@code SSL_do_handshake}, {@code SSL_read_ex} or
     * {@code SSL_write_ex}, given {@code SSL_get_error}: waiting for input is normal, a pause
     * moves to the paused state, anything else is fatal.
     */
    private void onStall(int error, String call) {
        switch (error) {
            case SslCalls.SSL_ERROR_WANT_READ, SslCalls.SSL_ERROR_WANT_WRITE -> {
                checkUpcallFailure();
                ErrorQueue.clear();
            }
            case SslCalls.SSL_ERROR_WANT_CLIENT_HELLO_CB -> {
                checkUpcallFailure();
                state = EngineState.AWAITING_CLIENT_HELLO;
            }
            case SslCalls.SSL_ERROR_WANT_X509_LOOKUP -> {
                checkUpcallFailure();
                state = EngineState.AWAITING_CERT_CALLBACK;
            }
            case SslCalls.SSL_ERROR_ZERO_RETURN -> {
                // close_notify in the middle of a handshake: the peer gave up.
                throw fail(ErrorQueue.drain(), call, "ERR_SSL_ZERO_RETURN");
            }
            default -> {
                // SSL_ERROR_SSL, or SSL_ERROR_SYSCALL: with the engine's BIO an empty queue there means
                // the transport ended under the connection, which Node reports as ECONNRESET.
                throw fail(ErrorQueue.drain(), call, "ECONNRESET");
            }
        }
    }

    /** Marks the handshake complete once OpenSSL says so (SSL_read/SSL_write also drive it). */
    private void noteHandshakeProgress() {
        if (state == EngineState.NEW || state == EngineState.HANDSHAKING) {
            if (SslCalls.SSL_is_init_finished(ssl) == 1) {
                state = EngineState.ESTABLISHED;
            } else if (state == EngineState.NEW && SslCalls.SSL_in_init(ssl) == 1) {
                state = EngineState.HANDSHAKING;
            }
        }
    }

    private void checkUpcallFailure() {
        noteBioFailure();
        if (upcallFailure != null) {
            throw fail(ErrorQueue.drain(), "callback", "ERR_INTERNAL_ASSERTION");
        }
    }

    /** Turns a failed {@code EngineBio} upcall (marked in its struct) into the engine's upcall failure. */
    private void noteBioFailure() {
        long why = bioState.get(ValueLayout.JAVA_LONG, EngineBio.FAILED);
        if (why != 0) {
            bioState.set(ValueLayout.JAVA_LONG, EngineBio.FAILED, 0);
            recordUpcallFailure(why == EngineBio.FAILED_MEMORY
                    ? new OutOfMemoryError("no native memory for the engine's ciphertext")
                    : new IllegalStateException("the engine's BIO callback failed"));
        }
    }

    private TlsException fail(List<OpenSslError> errors, String call, String fallbackCode) {
        noteBioFailure();
        TlsException e;
        if (upcallFailure != null) {
            e = new TlsException("ERR_INTERNAL_ASSERTION", "an OpenSSL callback failed during " + call, upcallFailure);
            upcallFailure = null;
        } else {
            e = ErrorQueue.connectionException(errors, call, fallbackCode); // Node's TLSWrap: always ERR_SSL_
        }
        state = EngineState.FAILED;
        failure = e;
        return e;
    }

    private void requireLive() {
        if (state == EngineState.DESTROYED) {
            throw new IllegalStateException("TLS engine closed");
        }
    }

    /** Live and not failed: a failed engine throws its failure again (sticky error). */
    private void requireUsable() {
        requireLive();
        requireOutsideCallback();
        if (state == EngineState.FAILED) {
            throw failure;
        }
    }

    /**
     * The application's PSK function runs inside OpenSSL's callback, under the call that drives
     * this engine: driving it again from there would re-enter OpenSSL on the same {@code SSL}.
     */
    private void requireOutsideCallback() {
        if (inApplicationCallback) {
            throw new IllegalStateException("a TLS engine cannot be driven from inside its own OpenSSL callback (pskCallback)");
        }
    }

    private void requireBeforeHandshake(String what) {
        requireLive();
        if (state != EngineState.NEW) {
            throw new IllegalStateException(what + "() must be called before the handshake starts");
        }
    }
}
