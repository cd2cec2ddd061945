package io.jtls;

import io.jtls.internal.context.SecureContexts;
import io.jtls.internal.engine.AlpnList;
import io.jtls.internal.engine.Psk;
import io.jtls.internal.tls.ClientPolicy;
import io.jtls.internal.tls.HandshakePolicy;
import io.jtls.internal.tls.PskFlow;
import io.jtls.internal.tls.ServerPolicy;
import io.jtls.internal.tls.SniSelector;

/** The public PSK and ALPN callbacks as a connection's policy sees them (Node's TLSSocket {@code _init}). */
final class CallbackAdapters {
    private CallbackAdapters() {}

    /** The client or server side of a socket made by {@code new TlsSocket(socket, options)}. */
    static HandshakePolicy policyFor(TlsSocketOptions options, TlsSocket socket) {
        if (!options.isServer()) {
            return client(new ClientPolicy(options.alpnProtocols(), null, options.session(), options.rejectUnauthorized(), null)
                    .requestOcsp(options.requestOCSP()), options.clientPskCallback());
        }
        TlsServer server = options.server();
        ServerPolicy policy = new ServerPolicy(AlpnList.of(options.alpnProtocols()), options.requestCert(),
                options.rejectUnauthorized(), sniSelector(options.sniCallback()),
                server == null ? null : server.hooksFor(socket), Tls.CLIENT_RENEG_LIMIT, Tls.CLIENT_RENEG_WINDOW);
        return server(policy, socket, options.alpnCallback(), options.serverPskCallback(), options.pskIdentityHint());
    }

    /** Node's {@code ALPNCallback}, {@code pskCallback} and {@code pskIdentityHint} on a server socket; nulls add nothing. */
    static ServerPolicy server(ServerPolicy policy, TlsSocket socket, AlpnCallback alpn, PskServerCallback psk, String hint) {
        if (alpn != null) {
            policy.withAlpnCallback(alpn::select);
        }
        if (psk != null) {
            policy.withPsk(PskFlow.server(identity -> psk.key(socket, identity), hint));
        }
        return policy;
    }

    /** Node's {@code pskCallback} on a client socket; null adds nothing. */
    static <P extends HandshakePolicy> P client(P policy, PskClientCallback psk) {
        if (psk != null) {
            policy.withPsk(PskFlow.client(hint -> {
                PskIdentity offered = psk.identify(hint);
                return offered == null ? null : new Psk.Credentials(offered.psk(), offered.identity());
            }));
        }
        return policy;
    }

    /** A public {@link SniCallback} as the driver sees it. */
    static SniSelector sniSelector(SniCallback callback) {
        if (callback == null) {
            return null;
        }
        return (name, done) -> callback.select(name,
                (error, context) -> done.accept(error, context == null ? null : SecureContexts.nativeOf(context)));
    }
}
