package io.jtls;

import io.jtls.net.ConnectOptions;
import io.jtls.net.Duplex;
import io.jtls.net.EventLoop;
import io.jtls.net.EventLoopGroup;
import io.jtls.net.Socket;
import java.nio.file.Path;

/**
 * Node's {@code tls.connect()} ({@code lib/_tls_wrap.js}): a client {@link TlsSocket} over a new
 * connection or over the given stream, with a secure context made for this connection unless one
 * is given, SNI, and {@code onConnectSecure}'s checks armed.
 */
final class TlsConnector {
    private TlsConnector() {}

    static TlsSocket connect(TlsConnectOptions o, java.util.function.Consumer<? super TlsSocket> setup,
                             Runnable onSecureConnect) {
        String host = o.host() == null ? "localhost" : o.host();
        // The name the certificate must carry: Node's `servername || host || socket._host || 'localhost'`.
        String identityHost = o.servername() != null && !o.servername().isEmpty() ? o.servername() : host;
        String sni = TlsSocket.sniName(o.servername());
        TlsSocket.ClientCheck check = new TlsSocket.ClientCheck(identityHost, o.rejectUnauthorized(),
                o.checkServerIdentity(), o.minDHSize());

        Duplex transport = o.socket();
        Socket created = null;
        if (transport == null) {
            EventLoop loop = o.loop() == null ? EventLoopGroup.defaultGroup().next() : o.loop();
            created = new Socket(loop, o.allowHalfOpen());
            transport = created;
        }
        TlsSocket socket;
        try {
            socket = new TlsSocket(transport, false, null, true, o.rejectUnauthorized(), o.alpnProtocols(), null,
                    o.session(), o.requestOCSP(), o.secureContext(), o.contextOptions(), null, check, sni);
        } catch (RuntimeException e) {
            if (created != null) {
                created.destroy();
            }
            throw e;
        }
        if (onSecureConnect != null) {
            socket.once(TlsSocket.SECURE_CONNECT, onSecureConnect);
        }
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
    static TlsConnectOptions withDefaults(TlsConnectOptions options, Integer port, String host, Path path) {
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
}
