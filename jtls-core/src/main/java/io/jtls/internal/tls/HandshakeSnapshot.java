package io.jtls.internal.tls;

import io.jtls.handshake.CipherInfo;
import io.jtls.handshake.EphemeralKeyInfo;
import io.jtls.internal.engine.TlsEngine;
import io.jtls.x509.Certificate;

/**
 * What the handshake established, copied out of the engine once, on the loop, when it
 * completed, and published (a volatile write) for any thread to read without waiting for the
 * loop. Immutable; byte arrays are copied on the way out. A new snapshot replaces it only to add
 * the verification outcome ({@link #authorized}, {@link #authorizationError}).
 *
 * <p>Copying costs little: the peer certificate is read only when the peer sent one (a server
 * without {@code requestCert} reads none); a client reads the detailed chain that its
 * {@code checkServerIdentity} gets anyway (as Node does on every client handshake).
 *
 * @param peerCertificate     the peer's certificate without issuer links, or null
 * @param peerCertificateChain the peer's certificate linked to its issuers, or null
 */
public record HandshakeSnapshot(String protocol, CipherInfo cipher, EphemeralKeyInfo ephemeralKeyInfo,
                                String alpnProtocol, String servername, byte[] finished, byte[] peerFinished,
                                boolean sessionReused, Certificate peerCertificate,
                                Certificate peerCertificateChain, boolean authorized, String authorizationError) {

    /** Reads everything from {@code engine}, which has just completed its handshake. */
    static HandshakeSnapshot capture(TlsEngine engine, String servername) {
        return capture(engine, servername, servername != null);
    }

    /**
     * {@link #capture(TlsEngine, String)}; {@code servernameKnown} says that {@code servername},
     * even null, is what the engine would answer now (a server read it after this handshake's last
     * step), so that it is not asked again.
     */
    static HandshakeSnapshot capture(TlsEngine engine, String servername, boolean servernameKnown) {
        Certificate chain = engine.peerCertificate(true);
        Certificate leaf = null;
        if (chain != null) {
            // The same fields without the issuer link: no second parse of the certificate.
            leaf = chain.issuerCertificate() == null ? chain : chain.toBuilder().issuerCertificate(null).build();
        }
        return new HandshakeSnapshot(engine.protocol(), engine.cipher(), engine.ephemeralKeyInfo(),
                engine.alpnProtocol(), servernameKnown ? servername : engine.servername(), engine.finished(),
                engine.peerFinished(), engine.isSessionReused(), leaf, chain, false, null);
    }

    /** This snapshot with the verification outcome. */
    HandshakeSnapshot authorize(boolean ok, String error) {
        return new HandshakeSnapshot(protocol, cipher, ephemeralKeyInfo, alpnProtocol, servername, finished,
                peerFinished, sessionReused, peerCertificate, peerCertificateChain, ok, error);
    }

    /** The peer's certificate, with its issuer chain when {@code detailed}; null when it sent none. */
    public Certificate peerCertificate(boolean detailed) {
        return detailed ? peerCertificateChain : peerCertificate;
    }

    @Override
    public byte[] finished() {
        return finished == null ? null : finished.clone();
    }

    @Override
    public byte[] peerFinished() {
        return peerFinished == null ? null : peerFinished.clone();
    }
}
