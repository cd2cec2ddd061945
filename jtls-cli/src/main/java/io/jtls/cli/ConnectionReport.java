package io.jtls.cli;

import io.jtls.TlsSocket;
import io.jtls.handshake.CipherInfo;
import io.jtls.x509.Certificate;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one connection established, as both sides print it: one {@code key=value} line for
 * people and {@code grep}, or one JSON object for scripts ({@code --json}). Read from the
 * handshake snapshot, which any thread may query.
 */
final class ConnectionReport {
    private ConnectionReport() {}

    /** {@code protocol=TLSv1.3 cipher=... alpn=h2 sni=localhost reused=false authorized=true}; "-" for none. */
    static String line(TlsSocket socket) {
        CipherInfo cipher = socket.getCipher();
        StringBuilder b = new StringBuilder()
                .append("protocol=").append(socket.getProtocol())
                .append(" cipher=").append(cipher == null ? "-" : cipher.name())
                .append(" alpn=").append(orDash(socket.alpnProtocol()))
                .append(" sni=").append(orDash(socket.servername()))
                .append(" reused=").append(socket.isSessionReused());
        if (socket.isServer() && !socket.requestCert()) {
            return b.toString(); // nothing was asked of the client, so nothing to authorize
        }
        b.append(" authorized=").append(socket.authorized());
        if (socket.authorizationError() != null) {
            b.append(" authorizationError=").append(socket.authorizationError());
        }
        Certificate peer = socket.getPeerCertificate();
        if (peer != null && peer.subject() != null && peer.subject().get("CN") != null) {
            b.append(" peer=\"").append(peer.subject().get("CN")).append('"');
        }
        return b.toString();
    }

    /** The same facts as a map for {@link Json}, with the peer's chain when {@code showCerts}. */
    static Map<String, Object> json(TlsSocket socket, boolean showCerts) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("protocol", socket.getProtocol());
        CipherInfo cipher = socket.getCipher();
        if (cipher != null) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("name", cipher.name());
            c.put("standardName", cipher.standardName());
            c.put("version", cipher.version());
            m.put("cipher", c);
        } else {
            m.put("cipher", null);
        }
        m.put("alpnProtocol", socket.alpnProtocol());
        m.put("servername", socket.servername());
        m.put("reused", socket.isSessionReused());
        m.put("authorized", socket.authorized());
        m.put("authorizationError", socket.authorizationError());
        if (showCerts) {
            Certificate peer = socket.getPeerCertificate(true);
            m.put("peerCertificates", peer == null ? java.util.List.of() : CertificateJson.chain(peer));
        }
        return m;
    }

    private static String orDash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }
}
