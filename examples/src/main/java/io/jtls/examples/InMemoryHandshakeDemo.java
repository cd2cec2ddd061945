package io.jtls.examples;

import io.jtls.SecureContext;
import io.jtls.Tls;
import io.jtls.context.SecureContextOptions;
import io.jtls.error.TlsException;
import io.jtls.internal.context.SecureContexts;
import io.jtls.internal.engine.EngineState;
import io.jtls.internal.engine.TlsEngine;
import io.jtls.internal.openssl.OpenSsl;
import io.jtls.pki.HeldCertificate;
import io.jtls.x509.Certificate;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * The main demo: a complete mutual-TLS handshake between a client and a server, entirely in
 * memory, on the system's OpenSSL.
 *
 * <ol>
 *   <li>Make a CA, a server certificate for {@code localhost} and a client certificate with
 *       {@link HeldCertificate}.</li>
 *   <li>Make one secure context per side with {@link Tls#createSecureContext}, with Node's
 *       option names: {@code cert}, {@code key}, {@code ca}.</li>
 *   <li>Run a client engine against a server engine, this program playing the network: what
 *       one side writes for the peer is handed to the other.</li>
 *   <li>Print what each side negotiated and saw, send a message and its answer, and close
 *       with close_notify both ways.</li>
 * </ol>
 * The engines are jtls's internal connection core (reachable here on the class path); the
 * public {@code TlsSocket} runs the same engine over a real socket.
 */
public final class InMemoryHandshakeDemo {
    private InMemoryHandshakeDemo() {}

    public static void main(String[] args) {
        System.out.println("OpenSSL: " + OpenSsl.versionText());

        HeldCertificate ca = HeldCertificate.builder().commonName("jtls demo CA").certificateAuthority(0).build();
        HeldCertificate serverCert = HeldCertificate.builder().commonName("localhost")
                .addSubjectAltName("localhost").addSubjectAltName("127.0.0.1").signedBy(ca).build();
        HeldCertificate clientCert = HeldCertificate.builder().commonName("demo client")
                .organization("jtls").signedBy(ca).build();

        try (SecureContext serverContext = Tls.createSecureContext(SecureContextOptions.builder()
                     .cert(serverCert.certificatePem()).key(serverCert.privateKeyPem())
                     .ca(ca.certificatePem()).build());
             SecureContext clientContext = Tls.createSecureContext(SecureContextOptions.builder()
                     .cert(clientCert.certificatePem()).key(clientCert.privateKeyPem())
                     .ca(ca.certificatePem()).build());
             TlsEngine server = TlsEngine.server(SecureContexts.nativeOf(serverContext));
             TlsEngine client = TlsEngine.client(SecureContexts.nativeOf(clientContext))) {

            server.setVerifyMode(true, true);          // requestCert, rejectUnauthorized
            server.setAlpnProtocols(List.of("h2", "http/1.1"));
            client.setServername("localhost");
            client.setAlpnProtocols(List.of("http/1.1"));

            Wire wire = new Wire();
            client.handshake();                        // the ClientHello
            while (client.state() != EngineState.ESTABLISHED || server.state() != EngineState.ESTABLISHED) {
                int moved = wire.carry(client, server);
                server.handshake();
                moved += wire.carry(server, client);
                client.handshake();
                if (moved == 0) {
                    throw new IllegalStateException("handshake stalled");
                }
            }
            wire.carry(client, server);                // the client's last flight
            server.handshake();

            describe("client", client, "localhost");
            describe("server", server, null);

            String question = "hello from the client";
            String request = wire.send(client, server, question);
            String reply = wire.send(server, client, request.toUpperCase(Locale.ROOT));
            System.out.println();
            System.out.println("client -> server: " + request);
            System.out.println("server -> client: " + reply);

            client.shutdown();                         // close_notify, one way ...
            wire.carry(client, server);
            boolean serverSawEnd = server.clearOut(ByteBuffer.allocate(16)) == -1;
            server.shutdown();                         // ... and the other
            wire.carry(server, client);
            boolean clientSawEnd = client.clearOut(ByteBuffer.allocate(16)) == -1;
            System.out.println("close_notify: server received " + serverSawEnd + ", client received " + clientSawEnd);
        }
    }

    private static void describe(String side, TlsEngine engine, String expectedHost) {
        Certificate peer = engine.peerCertificate(false);
        TlsException verifyError = engine.verifyError();
        TlsException hostError = expectedHost == null ? null : Tls.checkServerIdentity(expectedHost, peer);
        System.out.println();
        System.out.println("[" + side + "]");
        System.out.println("  protocol:              " + engine.protocol());
        System.out.println("  cipher:                " + engine.cipher().name() + " (" + engine.cipher().standardName() + ")");
        System.out.println("  ALPN:                  " + engine.alpnProtocol());
        System.out.println("  peer subject:          " + peer.subject());
        System.out.println("  peer fingerprint256:   " + peer.fingerprint256());
        System.out.println("  authorized:            " + (verifyError == null && hostError == null)
                + (verifyError != null ? " (" + verifyError.code() + ")" : hostError != null ? " (" + hostError.code() + ")" : ""));
    }

    /** The network: carries each side's ciphertext to the other through one direct buffer. */
    private static final class Wire {
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(32 * 1024);

        int carry(TlsEngine from, TlsEngine to) {
            int moved = 0;
            while (from.encPending() > 0) {
                buffer.clear();
                moved += from.encOut(buffer);
                to.encIn(buffer.flip());
            }
            return moved;
        }

        String send(TlsEngine from, TlsEngine to, String text) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            from.clearIn(ByteBuffer.wrap(bytes));
            carry(from, to);
            ByteBuffer received = ByteBuffer.allocate(bytes.length);
            while (received.hasRemaining() && to.clearOut(received) > 0) {
                carry(to, from);
            }
            return new String(received.array(), 0, received.position(), StandardCharsets.UTF_8);
        }
    }
}
