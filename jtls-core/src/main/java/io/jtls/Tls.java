package io.jtls;

import io.jtls.context.Constants;
import io.jtls.context.SecureContextOptions;
import io.jtls.error.CertificateIdentityException;
import io.jtls.internal.context.Defaults;
import io.jtls.internal.openssl.NativeLibrary;
import io.jtls.internal.openssl.OpenSsl;
import io.jtls.internal.tls.ClientPolicy;
import io.jtls.internal.tls.ServerIdentity;
import io.jtls.internal.tls.Warnings;
import io.jtls.internal.util.IpAddresses;
import io.jtls.net.ConnectOptions;
import io.jtls.net.Duplex;
import io.jtls.net.EventLoop;
import io.jtls.net.EventLoopGroup;
import io.jtls.net.Socket;
import io.jtls.x509.Certificate;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The entry point, as Node's {@code require('node:tls')}: factory functions and constants.
 *
 * <p>Each static method here has the name and overloads of the Node function it mirrors and
 * delegates to the class that owns the behaviour.
 */
public final class Tls {
    private Tls() {}

    /**
     * Node's {@code tls.CLIENT_RENEG_LIMIT}: client-initiated renegotiations allowed within
     * {@link #CLIENT_RENEG_WINDOW} seconds before the socket errors with
     * {@code ERR_TLS_SESSION_ATTACK}.
     */
    public static final int CLIENT_RENEG_LIMIT = 3;

    /** Node's {@code tls.CLIENT_RENEG_WINDOW}: the renegotiation window, in seconds. */
    public static final int CLIENT_RENEG_WINDOW = 600;

    /** Node's {@code tls.DEFAULT_ECDH_CURVE}: {@code "auto"}, OpenSSL's own choice of groups. */
    public static final String DEFAULT_ECDH_CURVE = Defaults.ECDH_CURVE;

    /** Node's {@code tls.DEFAULT_MIN_VERSION}: the default {@code minVersion}. */
    public static final String DEFAULT_MIN_VERSION = Defaults.MIN_VERSION;

    /** Node's {@code tls.DEFAULT_MAX_VERSION}: the default {@code maxVersion}. */
    public static final String DEFAULT_MAX_VERSION = Defaults.MAX_VERSION;

    /**
     * Node's {@code tls.DEFAULT_CIPHERS}: the cipher list a context uses when {@code ciphers} is
     * not given ({@link Constants#defaultCipherList}: Node 20's list, or the system property
     * {@code jtls.tls.cipherList} / environment variable {@code JTLS_TLS_CIPHER_LIST}, jtls's
     * {@code --tls-cipher-list}).
     */
    public static final String DEFAULT_CIPHERS = Defaults.CIPHERS;

    /**
     * Whether the system's OpenSSL 3 could be loaded (and its configuration applied). Never
     * throws: when it is false every call that needs OpenSSL throws
     * {@link io.jtls.error.OpenSslUnavailableException}, with the reason, for the life of the JVM
     * (loading is tried once per process, on first use). Node has no counterpart: a Node
     * without OpenSSL has no {@code tls} module at all.
     *
     * @return whether the system's OpenSSL 3 could be loaded (and its configuration applied)
     */
    public static boolean isAvailable() {
        return NativeLibrary.isLoaded();
    }

    /**
     * The version of the OpenSSL jtls runs on, as Node's {@code process.versions.openssl}
     * ({@code "3.0.13"}).
     *
     * @return the version of the OpenSSL jtls runs on, as Node's {@code process.versions.openssl} ({@code
     *         "3.0.13"})
     * @throws io.jtls.error.OpenSslUnavailableException when OpenSSL 3 could not be loaded
     */
    public static String openSslVersion() {
        NativeLibrary.ensureLoaded();
        return OpenSsl.version();
    }

    /**
     * Node's {@code tls.createSecureContext([options])}. See {@link SecureContextOptions} for each option.
     *
     * @param options the options
     * @return Node's {@code tls.createSecureContext([options])}
     */
    public static SecureContext createSecureContext(SecureContextOptions options) {
        return SecureContext.create(options);
    }

    /**
     * Node's {@code tls.createSecureContext()}: every option at its default.
     *
     * @return Node's {@code tls.createSecureContext()}: every option at its default
     */
    public static SecureContext createSecureContext() {
        return SecureContext.create(SecureContextOptions.DEFAULTS);
    }

    /**
     * Node's {@code tls.getCiphers()}: the names of the ciphers OpenSSL supports, lower-case and
     * sorted ({@code "aes128-gcm-sha256"}, ..., {@code "tls_aes_256_gcm_sha384"}).
     *
     * @return Node's {@code tls.getCiphers()}: the names of the ciphers OpenSSL supports, lower-case and
     *         sorted ({@code "aes128-gcm-sha256"}, ..., {@code "tls_aes_256_gcm_sha384"})
     */
    public static java.util.List<String> getCiphers() {
        NativeLibrary.ensureLoaded();
        return io.jtls.internal.context.SecureContexts.supportedCiphers();
    }

    /**
     * Node's {@code tls.rootCertificates}: the bundled root certificates as PEM strings (each
     * without a final newline, as Node's), in an unmodifiable list. Node's are its compiled-in
     * copy of Mozilla's list; jtls has none, so its "bundled" roots are the bundle the
     * distribution installs for OpenSSL (OpenSSL's default certificate file, honouring
     * {@code SSL_CERT_FILE}; on Debian {@code /etc/ssl/certs/ca-certificates.crt}, built from
     * Mozilla's list). Empty when the system has no such file.
     *
     * @return Node's {@code tls.rootCertificates}: the bundled root certificates as PEM strings (each without
     *         a final newline, as Node's), in an unmodifiable list
     */
    public static java.util.List<String> rootCertificates() {
        NativeLibrary.ensureLoaded();
        return io.jtls.internal.context.CaCertificates.bundledPems();
    }

    /**
     * Node's {@code tls.getCACertificates()}: {@code getCACertificates("default")}.
     *
     * @return Node's {@code tls.getCACertificates()}: {@code getCACertificates("default")}
     */
    public static java.util.List<String> getCACertificates() {
        return getCACertificates("default");
    }

    /**
     * Node's {@code tls.getCACertificates(type)}, PEM strings in an unmodifiable list:
     * <ul>
     *   <li>{@code "default"}: what contexts without {@code ca} trust: the bundled roots plus the
     *       extra ones, or the list given to {@link #setDefaultCACertificates};</li>
     *   <li>{@code "bundled"}: {@link #rootCertificates()};</li>
     *   <li>{@code "system"}: Node's {@code --use-system-ca} on Linux: OpenSSL's default file and
     *       every file in its default directory ({@code SSL_CERT_FILE}, {@code SSL_CERT_DIR}),
     *       read once, without duplicates;</li>
     *   <li>{@code "extra"}: the certificates of Node's {@code NODE_EXTRA_CA_CERTS}: the file named
     *       by the system property {@code jtls.extraCaCerts}, else the environment variable
     *       {@code JTLS_EXTRA_CA_CERTS}, else {@code NODE_EXTRA_CA_CERTS} itself; read once, added
     *       to the default roots; a file that cannot be read is logged (Node's warning) and
     *       ignored.</li>
     * </ul>
     *
     * @param type the type
     * @return Node's {@code tls.getCACertificates(type)}, PEM strings in an unmodifiable list: <ul>
     *         <li>{@code "default"}: what contexts without {@code ca} trust: the bundled roots plus the extra
     *         ones, or the list given to {@link #setDefaultCACertificates};</li> <li>{@code "bundled"}:
     *         {@link #rootCertificates()};</li> <li>{@code "system"}: Node's {@code --use-system-ca} on
     *         Linux: OpenSSL's default file and every file in its default directory ({@code SSL_CERT_FILE},
     *         {@code SSL_CERT_DIR}), read once, without duplicates;</li> <li>{@code "extra"}: the
     *         certificates of Node's {@code NODE_EXTRA_CA_CERTS}: the file named by the system property
     *         {@code jtls.extraCaCerts}, else the environment variable {@code JTLS_EXTRA_CA_CERTS}, else
     *         {@code NODE_EXTRA_CA_CERTS} itself; read once, added to the default roots; a file that cannot
     *         be read is logged (Node's warning) and ignored.</li> </ul>
     * @throws io.jtls.error.TlsArgumentException {@code ERR_INVALID_ARG_VALUE} for another type
     */
    public static java.util.List<String> getCACertificates(String type) {
        NativeLibrary.ensureLoaded();
        return io.jtls.internal.context.CaCertificates.list(type);
    }

    /**
     * Node's {@code tls.setDefaultCACertificates(certs)}: the PEM certificates (several per
     * string allowed, duplicates dropped) become the {@code "default"} list, trusted by every
     * context made afterwards without {@code ca}; contexts already made keep their trust. For
     * a buffer, pass {@code new String(bytes, US_ASCII)}. Meant for start-up: each call keeps
     * the previous store alive for the contexts that use it.
     *
     * @param certs the certs
     * @throws io.jtls.error.TlsArgumentException {@code ERR_INVALID_ARG_TYPE} for a null list or entry
     * @throws io.jtls.error.TlsException {@code ERR_CRYPTO_OPERATION_FAILED} "No valid certificates
     *         found in the provided array", or OpenSSL's error for a damaged block; the defaults
     *         are then unchanged
     */
    public static void setDefaultCACertificates(java.util.List<String> certs) {
        NativeLibrary.ensureLoaded();
        io.jtls.internal.context.CaCertificates.setDefaults(certs);
    }

    /**
     * Node's {@code tls.createServer([options][, secureConnectionListener])}: a {@link TlsServer}
     * (not yet listening); {@code secureConnectionListener} (may be null) hears
     * {@link TlsServer#SECURE_CONNECTION}.
     *
     * @param options the options
     * @param secureConnectionListener the secure connection listener
     * @return Node's {@code tls.createServer([options][, secureConnectionListener])}: a {@link TlsServer}
     *         (not yet listening); {@code secureConnectionListener} (may be null) hears {@link
     *         TlsServer#SECURE_CONNECTION}
     * @throws io.jtls.error.TlsException when the secure context cannot be built from the options
     */
    public static TlsServer createServer(TlsServerOptions options, java.util.function.Consumer<TlsSocket> secureConnectionListener) {
        return new TlsServer(options == null ? TlsServerOptions.builder().build() : options, secureConnectionListener);
    }

    /**
     * Node's {@code tls.createServer(options)}.
     *
     * @param options the options
     * @return Node's {@code tls.createServer(options)}
     */
    public static TlsServer createServer(TlsServerOptions options) {
        return createServer(options, null);
    }

    /**
     * Node's {@code tls.connect(options[, callback])}: a client {@link TlsSocket}, connecting at
     * once (or running over {@code options.socket()}); {@code onSecureConnect} (may be null)
     * hears {@link TlsSocket#SECURE_CONNECT}. Failures, including certificate verification
     * ({@code rejectUnauthorized}, default true), arrive as {@code 'error'} then {@code 'close'}.
     *
     * @param options the options
     * @param onSecureConnect called on 'secureConnect'
     * @return Node's {@code tls.connect(options[, callback])}: a client {@link TlsSocket}, connecting at once
     *         (or running over {@code options.socket()}); {@code onSecureConnect} (may be null) hears {@link
     *         TlsSocket#SECURE_CONNECT}
     * @throws io.jtls.error.TlsException when a secure context cannot be built from the options
     * @throws io.jtls.error.TlsArgumentException for an option Node rejects with a TypeError or RangeError
     */
    public static TlsSocket connect(TlsConnectOptions options, Runnable onSecureConnect) {
        return connectSocket(options, null, onSecureConnect);
    }

    /**
     * Node's {@code tls.connect(options)}.
     *
     * @param options the options
     * @return Node's {@code tls.connect(options)}
     */
    public static TlsSocket connect(TlsConnectOptions options) {
        return connectSocket(options, null, null);
    }

    /**
     * {@link #connect(TlsConnectOptions, Runnable)}, calling {@code setup} with the new socket
     * before it starts: the place to add {@code 'error'}, {@code 'data'} or {@code 'close'}
     * listeners with no risk of missing an early event. (Node's single thread gives that for
     * free; here the loop may finish a handshake on loopback before a call on another thread
     * returns.)
     *
     * @param options the options
     * @param setup the setup
     * @param onSecureConnect called on 'secureConnect'
     * @return {@link #connect(TlsConnectOptions, Runnable)}, calling {@code setup} with the new socket before
     *         it starts: the place to add {@code 'error'}, {@code 'data'} or {@code 'close'} listeners with
     *         no risk of missing an early event
     */
    public static TlsSocket connect(TlsConnectOptions options, java.util.function.Consumer<? super TlsSocket> setup,
                                    Runnable onSecureConnect) {
        return connectSocket(options, setup, onSecureConnect);
    }

    /**
     * {@link #connect(TlsConnectOptions, java.util.function.Consumer, Runnable)} as a future:
     * completes with the socket at {@code 'secureConnect'}, or exceptionally with the error it
     * is destroyed with (also its {@code 'error'} event: the future's listener is removed once
     * connected, so later errors are the application's). {@code setup} (may be null) runs first,
     * as there.
     *
     * @param options the options
     * @param setup the setup
     * @return {@link #connect(TlsConnectOptions, java.util.function.Consumer, Runnable)} as a future:
     *         completes with the socket at {@code 'secureConnect'}, or exceptionally with the error it is
     *         destroyed with (also its {@code 'error'} event: the future's listener is removed once
     *         connected, so later errors are the application's)
     */
    public static java.util.concurrent.CompletableFuture<TlsSocket> connectAsync(TlsConnectOptions options,
            java.util.function.Consumer<? super TlsSocket> setup) {
        java.util.concurrent.CompletableFuture<TlsSocket> result = new java.util.concurrent.CompletableFuture<>();
        TlsSocket[] created = new TlsSocket[1];
        java.util.function.Consumer<Throwable> failed = result::completeExceptionally;
        connectSocket(options, socket -> {
            created[0] = socket;
            socket.on(TlsSocket.ERROR, failed);
            socket.once(TlsSocket.CLOSE, hadError -> result.completeExceptionally(
                    new io.jtls.net.NetException("ERR_SOCKET_CLOSED", "Socket is closed")));
            if (setup != null) setup.accept(socket);
        }, () -> {
            created[0].off(TlsSocket.ERROR, failed);
            result.complete(created[0]);
        });
        return result;
    }

    /**
     * Node's {@code tls.connect(port[, host][, options][, callback])}: {@code port} and {@code host}
     * (null: localhost) apply unless {@code options} (may be null) sets them.
     *
     * @param port the port
     * @param host the host name or address
     * @param options the options
     * @param onSecureConnect called on 'secureConnect'
     * @return Node's {@code tls.connect(port[, host][, options][, callback])}: {@code port} and {@code host}
     *         (null: localhost) apply unless {@code options} (may be null) sets them
     */
    public static TlsSocket connect(int port, String host, TlsConnectOptions options, Runnable onSecureConnect) {
        return connectSocket(withDefaults(options, port, host, null), null, onSecureConnect);
    }

    /**
     * Node's {@code tls.connect(port[, host][, callback])} with default options.
     *
     * @param port the port
     * @param host the host name or address
     * @param onSecureConnect called on 'secureConnect'
     * @return Node's {@code tls.connect(port[, host][, callback])} with default options
     */
    public static TlsSocket connect(int port, String host, Runnable onSecureConnect) {
        return connect(port, host, null, onSecureConnect);
    }

    /**
     * Node's {@code tls.connect(path[, options][, callback])} over a Unix-domain socket.
     *
     * @param path the path
     * @param options the options
     * @param onSecureConnect called on 'secureConnect'
     * @return Node's {@code tls.connect(path[, options][, callback])} over a Unix-domain socket
     */
    public static TlsSocket connect(java.nio.file.Path path, TlsConnectOptions options, Runnable onSecureConnect) {
        return connectSocket(withDefaults(options, null, null, path), null, onSecureConnect);
    }

    /**
     * Node's deprecated {@code tls.createSecurePair(options)}: a {@link SecurePair}, its
     * {@code cleartext} a {@link TlsSocket} made with {@code options} (null: Node's defaults)
     * over an in-memory pair whose other end is {@code encrypted}. Warns {@code DEP0064} once.
     *
     * @param options the options
     * @return Node's deprecated {@code tls.createSecurePair(options)}: a {@link SecurePair}, its {@code
     *         cleartext} a {@link TlsSocket} made with {@code options} (null: Node's defaults) over an
     *         in-memory pair whose other end is {@code encrypted}
     * @throws io.jtls.error.TlsException when a secure context cannot be built from the options
     * @throws io.jtls.error.TlsArgumentException for an option Node rejects with a TypeError or RangeError
     * @deprecated use {@code new TlsSocket(socket, options)} over the connection itself
     */
    @Deprecated
    public static SecurePair createSecurePair(TlsSocketOptions options) {
        return SecurePair.create(options);
    }

    /**
     * Node's {@code tls.createSecurePair()}: a client pair with a default context.
     *
     * @return Node's {@code tls.createSecurePair()}: a client pair with a default context
     * @deprecated use {@link TlsSocket}
     */
    @Deprecated
    public static SecurePair createSecurePair() {
        return createSecurePair(null, false, true, false);
    }

    /**
     * Node's {@code tls.createSecurePair(context)} (context null: a default one).
     *
     * @param context the secure context
     * @return Node's {@code tls.createSecurePair(context)} (context null: a default one)
     * @deprecated use {@link TlsSocket}
     */
    @Deprecated
    public static SecurePair createSecurePair(SecureContext context) {
        return createSecurePair(context, false, true, false);
    }

    /**
     * Node's {@code tls.createSecurePair(context, isServer)}: {@code requestCert} is {@code !isServer}.
     *
     * @param context the secure context
     * @param isServer true for the server end
     * @return Node's {@code tls.createSecurePair(context, isServer)}: {@code requestCert} is {@code
     *         !isServer}
     * @deprecated use {@link TlsSocket}
     */
    @Deprecated
    public static SecurePair createSecurePair(SecureContext context, boolean isServer) {
        return createSecurePair(context, isServer, !isServer, false);
    }

    /**
     * Node's {@code tls.createSecurePair(context, isServer, requestCert)}.
     *
     * @param context the secure context
     * @param isServer true for the server end
     * @param requestCert true to request a certificate from the peer
     * @return Node's {@code tls.createSecurePair(context, isServer, requestCert)}
     * @deprecated use {@link TlsSocket}
     */
    @Deprecated
    public static SecurePair createSecurePair(SecureContext context, boolean isServer, boolean requestCert) {
        return createSecurePair(context, isServer, requestCert, false);
    }

    /**
     * Node's {@code tls.createSecurePair(context, isServer, requestCert, rejectUnauthorized)}.
     *
     * @param context the secure context
     * @param isServer true for the server end
     * @param requestCert true to request a certificate from the peer
     * @param rejectUnauthorized true to fail connections whose peer certificate does not verify
     * @return Node's {@code tls.createSecurePair(context, isServer, requestCert, rejectUnauthorized)}
     * @deprecated use {@link TlsSocket}
     */
    @Deprecated
    public static SecurePair createSecurePair(SecureContext context, boolean isServer, boolean requestCert,
                                              boolean rejectUnauthorized) {
        return createSecurePair(TlsSocketOptions.builder().secureContext(context).isServer(isServer)
                .requestCert(requestCert).rejectUnauthorized(rejectUnauthorized).build());
    }

    /**
     * Node's {@code tls.checkServerIdentity(hostname, cert)}: verifies that {@code cert} was
     * issued to {@code hostname} (a host name or an IP address), by Node's rules (see
     * {@code io.jtls.internal.tls.ServerIdentity}). Only the subject's {@code CN} and {@code subjectaltname} are
     * read, so a certificate made with {@link Certificate#builder()} works too.
     *
     * @param hostname the host name
     * @param cert the certificate chain
     * @return null when it was (Node's {@code undefined}), else the error Node returns, with
     *         code {@code ERR_TLS_CERT_ALTNAME_INVALID} and {@code reason}, {@code host}, {@code cert}
     * @throws io.jtls.error.TlsException {@code ERR_TLS_CERT_ALTNAME_FORMAT} for a malformed escaped
     *         {@code subjectaltname}, as Node throws
     */
    public static CertificateIdentityException checkServerIdentity(String hostname, Certificate cert) {
        return ServerIdentity.check(hostname, cert);
    }

    /** The default {@code checkServerIdentity}: {@link #checkServerIdentity}. */
    static final ServerIdentityCheck DEFAULT_IDENTITY_CHECK = Tls::checkServerIdentity;

    // ------------------------------------------------------------------ tls.connect

    /**
     * Node's {@code tls.connect()} ({@code lib/_tls_wrap.js}): a client {@link TlsSocket} over a
     * new connection or over the given stream, with a secure context made for this connection
     * unless one is given, SNI, and {@code onConnectSecure}'s checks armed.
     */
    private static TlsSocket connectSocket(TlsConnectOptions o, Consumer<? super TlsSocket> setup,
                                           Runnable onSecureConnect) {
        String host = o.host() == null ? "localhost" : o.host();
        // The name the certificate must carry: Node's `servername || host || socket._host || 'localhost'`.
        String identityHost = o.servername() != null && !o.servername().isEmpty() ? o.servername() : host;
        ServerIdentityCheck identity = o.checkServerIdentity();
        ClientPolicy.Verification verification = new ClientPolicy.Verification(identityHost, o.rejectUnauthorized(),
                identity::check, o.minDHSize());
        ClientPolicy.Target target = o.socket() != null ? null : new ClientPolicy.Target(o.host(),
                o.path() == null ? o.port() : -1, o.path() == null ? null : o.path().toString(), o.localAddress());
        ClientPolicy policy = new ClientPolicy(o.alpnProtocols(), sniName(o.servername()), o.session(),
                o.rejectUnauthorized(), verification, target).requestOcsp(o.requestOCSP());
        CallbackAdapters.client(policy, o.pskCallback());

        Duplex transport = o.socket();
        Socket created = null;
        if (transport == null) {
            EventLoop loop = o.loop() == null ? EventLoopGroup.defaultGroup().next() : o.loop();
            created = new Socket(loop, o.allowHalfOpen());
            transport = created;
        }
        TlsSocket socket;
        try {
            socket = new TlsSocket(transport, new TlsSocket.Shape(null, o.alpnProtocols(), null, o.session(), o.requestOCSP()),
                    self -> policy, o.secureContext(), o.contextOptions(), null);
        } catch (RuntimeException e) {
            if (created != null) {
                created.destroy();
            }
            throw e;
        }
        if (onSecureConnect != null) {
            socket.once(TlsSocket.SECURE_CONNECT, onSecureConnect);
        }
        if (o.enableTrace()) {
            socket.enableTraceBeforeBegin();
        }
        socket.onread(o.onread());
        if (setup != null) {
            try {
                setup.accept(socket);
            } catch (RuntimeException e) {
                socket.destroy();
                throw e;
            }
        }
        socket.begin();
        if (created != null) {
            if (o.timeout() != null) {
                socket.setTimeout(o.timeout().toMillis(), null);
            }
            created.connect(netOptions(o), null);
        }
        return socket;
    }

    private static ConnectOptions netOptions(TlsConnectOptions o) {
        ConnectOptions.Builder b = ConnectOptions.builder().port(o.port()).host(o.host()).lookup(o.lookup())
                .localAddress(o.localAddress()).localPort(o.localPort()).noDelay(o.noDelay())
                .keepAlive(o.keepAlive()).allowHalfOpen(o.allowHalfOpen());
        if (o.path() != null) {
            b.path(o.path());
        }
        return b.build();
    }

    /** Node's argument rule: an option given in {@code options} wins over the positional argument. */
    private static TlsConnectOptions withDefaults(TlsConnectOptions options, Integer port, String host, Path path) {
        TlsConnectOptions o = options == null ? TlsConnectOptions.builder().build() : options;
        TlsConnectOptions.Builder b = o.toBuilder();
        if (port != null && o.port() == 0) {
            b.port(port);
        }
        if (host != null && o.host() == null) {
            b.host(host);
        }
        if (path != null && o.path() == null) {
            b.path(path);
        }
        return b.build();
    }

    /**
     * Node's SNI rule for {@code tls.connect}: only an explicit {@code servername} is sent (Node
     * derives none from {@code host}), and an IP address never is (Node warns and sends it; RFC
     * 6066 forbids it, so jtls warns and leaves it out).
     */
    private static String sniName(String servername) {
        if (servername != null && !servername.isEmpty()) {
            if (IpAddresses.isIP(servername) != 0) {
                Warnings.once("DEP0123", "Setting the TLS ServerName to an IP address is not permitted by RFC 6066."
                        + " jtls does not send it.");
                return null;
            }
            return servername;
        }
        return null;
    }
}
