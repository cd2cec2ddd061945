package io.jtls;

import io.jtls.internal.tls.Warnings;
import io.jtls.net.DuplexPair;
import io.jtls.net.EventEmitter;
import io.jtls.net.EventLoop;
import io.jtls.net.EventLoopGroup;
import io.jtls.net.Signal;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Node's deprecated {@code tls.SecurePair}, as Node 20 builds it: a {@link TlsSocket}
 * ({@link #cleartext()}) over one end of an in-memory {@link DuplexPair}, whose other end is
 * {@link #encrypted()}. Pipe {@code encrypted} to and from the connection that carries the TLS
 * records and use {@code cleartext} as the connection. {@link #SECURE} is emitted on the pair
 * when the handshake is done; as with {@code 'secureConnection'}, check
 * {@code cleartext().authorized()}.
 *
 * @deprecated since Node v0.11.3; use {@code new TlsSocket(socket, options)}, which has the same
 *             API as {@link #cleartext()} without the extra stream.
 */
@Deprecated
public final class SecurePair extends EventEmitter {
    /** {@code 'secure'}: the handshake completed (the cleartext socket's {@link TlsSocket#SECURE}). */
    public static final Signal SECURE = new Signal("secure");

    static final String DEP0064 = "DEP0064";
    static final String DEP0064_MESSAGE = "tls.createSecurePair() is deprecated. Please use tls.TLSSocket instead.";

    private final TlsSocket cleartext;
    private final CryptoStream encrypted;

    private SecurePair(EventLoop loop, TlsSocketOptions options) {
        encrypted = new CryptoStream(loop);
        DuplexPair.Side tlsSide = new DuplexPair.Side(loop);
        new DuplexPair(encrypted, tlsSide);
        // Node: secureContext = tls.createSecureContext() when none is given; the pair's
        // credentials stay open for as long as its socket.
        SecureContext context = options.secureContext() != null ? options.secureContext()
                : Tls.createSecureContext(options.contextOptions());
        boolean ownContext = options.secureContext() == null;
        try {
            cleartext = new TlsSocket(tlsSide, withContext(options, context));
        } catch (RuntimeException | Error e) {
            if (ownContext) context.close();
            tlsSide.destroy();
            throw e;
        }
        if (ownContext) cleartext.once(TlsSocket.CLOSE, hadError -> context.close());
        // Node's pair listens for 'secure' after the socket's own listener (a server's client
        // certificate check), so `authorized` is set when the pair's 'secure' is heard. The
        // socket here decides `authorized` right after its 'secure': hand the event on one turn later.
        cleartext.once(TlsSocket.SECURE, () -> loop.execute(() -> emit(SECURE)));
    }

    /**
     * Node's {@code tls.createSecurePair(...)} (see {@link Tls#createSecurePair(TlsSocketOptions)}):
     * warns {@code DEP0064} once, then builds the pair on a loop of the default group. The
     * socket is made on its loop thread, so no event is missed; nothing moves until
     * {@code encrypted} is read.
     */
    static SecurePair create(TlsSocketOptions options) {
        Warnings.once(DEP0064, DEP0064_MESSAGE);
        TlsSocketOptions actual = options == null ? TlsSocketOptions.DEFAULTS : options;
        EventLoop loop = EventLoopGroup.defaultGroup().next();
        if (loop.inEventLoop()) {
            return new SecurePair(loop, actual);
        }
        CompletableFuture<SecurePair> made = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                made.complete(new SecurePair(loop, actual));
            } catch (Throwable t) {
                made.completeExceptionally(t);
            }
        });
        try {
            return made.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw e;
        }
    }

    private static TlsSocketOptions withContext(TlsSocketOptions o, SecureContext context) {
        return new TlsSocketOptions(o.isServer(), o.server(), o.requestCert(), o.rejectUnauthorized(), o.alpnProtocols(),
                o.sniCallback(), o.session(), o.requestOCSP(), context, o.handshakeTimeout(), o.contextOptions(),
                o.enableTrace(), o.serverPskCallback(), o.clientPskCallback(), o.pskIdentityHint(), o.alpnCallback(),
                o.onread());
    }

    /**
     * Node's {@code pair.cleartext}: the TLS socket, the connection's cleartext side.
     *
     * @return Node's {@code pair.cleartext}: the TLS socket, the connection's cleartext side
     */
    public TlsSocket cleartext() {
        return cleartext;
    }

    /**
     * Node's {@code pair.encrypted}: the TLS records, to pipe to and from the real connection.
     *
     * @return Node's {@code pair.encrypted}: the TLS records, to pipe to and from the real connection
     */
    public CryptoStream encrypted() {
        return encrypted;
    }

    /**
     * Node's {@code pair.credentials}: the secure context the cleartext socket uses.
     *
     * @return Node's {@code pair.credentials}: the secure context the cleartext socket uses
     */
    public SecureContext credentials() {
        return cleartext.secureContext();
    }

    /**
     * Node's {@code pair.server}: the {@code server} option, or null.
     *
     * @return Node's {@code pair.server}: the {@code server} option, or null
     */
    public TlsServer server() {
        return cleartext.server();
    }
}
