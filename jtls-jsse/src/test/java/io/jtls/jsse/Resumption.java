package io.jtls.jsse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/** Two connections from one client context to one server context: the second must resume the first's session. */
final class Resumption {
    private Resumption() {}

    /** Runs both handshakes, asserting the second showed the first's session; returns how many ran. */
    static int handshakes(SSLContext client, SSLContext server, String version) throws Exception {
        byte[] firstId = null;
        int done = 0;
        for (int i = 0; i < 2; i++) {
            SSLEngine c = client.createSSLEngine("localhost", 4433);
            c.setUseClientMode(true);
            c.setEnabledProtocols(new String[] {version});
            SSLEngine s = server.createSSLEngine();
            s.setUseClientMode(false);
            EnginePump pump = new EnginePump(c, s);
            pump.handshake(); // TLS 1.3: the pump also carries the tickets that follow
            assertEquals(version, c.getSession().getProtocol());
            if (i == 0) {
                firstId = c.getSession().getId();
            } else {
                assertArrayEquals(firstId, c.getSession().getId(), "the same session");
                assertEquals(TestTls.x509(TestTls.SERVER), c.getSession().getPeerCertificates()[0]);
            }
            c.closeOutbound();
            pump.run();
            done++;
        }
        return done;
    }
}
