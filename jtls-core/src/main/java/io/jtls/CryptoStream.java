package io.jtls;

import io.jtls.net.DuplexPair;
import io.jtls.net.EventLoop;

/**
 * Node's deprecated {@code tls.CryptoStream}: the encrypted stream of a {@link SecurePair}, to
 * pipe to and from the connection that carries the TLS records. It is one end of an in-memory
 * {@link DuplexPair} whose other end is under the pair's {@link TlsSocket} (Node 20's
 * {@code pair.encrypted}, a {@code DuplexSocket}).
 *
 * @deprecated since Node v0.11.3; run a {@link TlsSocket} over the connection instead:
 *             {@code new TlsSocket(socket, options)}.
 */
@Deprecated
public final class CryptoStream extends DuplexPair.Side {
    CryptoStream(EventLoop loop) {
        super(loop);
    }

    /**
     * Node's {@code cryptoStream.bytesWritten}: the bytes this stream has handed on towards the
     * peer, TLS protocol bytes (handshake, record headers, alerts) included: every byte the TLS
     * side produced and this stream delivered.
     *
     * @return Node's {@code cryptoStream.bytesWritten}: the bytes this stream has handed on towards the peer,
     *         TLS protocol bytes (handshake, record headers, alerts) included: every byte the TLS side
     *         produced and this stream delivered
     */
    public long bytesWritten() {
        return bytesRead();
    }
}
