package io.jtls.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.pki.HeldCertificate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Checks {@link TicketKey}'s reading of Node's 48-byte layout against Node itself: a Node
 * server given {@code ticketKeys} issues a TLS 1.2 ticket, and the ticket opens with the parts
 * this class says are the name, the HMAC secret and the AES key (OpenSSL's ticket format:
 * key name, IV, AES-128-CBC ciphertext, HMAC-SHA256 of all that).
 */
class TicketKeyNodeInteropTest {
    private static final String SCRIPT = """
            const tls = require('tls');
            const ticketKeys = Buffer.from(process.env.TICKET_KEYS, 'hex');
            const server = tls.createServer({key: process.env.KEY, cert: process.env.CERT, ticketKeys,
                maxVersion: 'TLSv1.2'}, (socket) => socket.end());
            server.listen(0, '127.0.0.1', () => {
              const client = tls.connect({port: server.address().port, host: '127.0.0.1',
                  rejectUnauthorized: false, maxVersion: 'TLSv1.2'});
              client.once('session', () => {
                console.log(JSON.stringify({
                  ticket: client.getTLSTicket().toString('hex'),
                  serverKeys: server.getTicketKeys().toString('hex')}));
                client.destroy();
                server.close();
              });
              client.on('error', (e) => { console.error(e); process.exit(2); });
            });
            """;

    @Test
    void aNodeTicketOpensWithTheKeyParts() throws Exception {
        TicketKey key = TicketKey.generate();
        HeldCertificate cert = HeldCertificate.builder().commonName("localhost").build();
        String output = runNode(key, cert);
        String ticketHex = output.replaceAll("(?s).*\"ticket\":\"([0-9a-f]+)\".*", "$1");
        String serverKeysHex = output.replaceAll("(?s).*\"serverKeys\":\"([0-9a-f]+)\".*", "$1");
        assertEquals(HexFormat.of().formatHex(key.toNodeBytes()), serverKeysHex, "Node's getTicketKeys()");

        byte[] ticket = HexFormat.of().parseHex(ticketHex);
        assertTrue(ticket.length > 16 + 16 + 32, "ticket of " + ticket.length + " bytes");
        assertArrayEquals(key.name(), Arrays.copyOfRange(ticket, 0, 16), "bytes 0-15 name the key");

        Mac hmac = Mac.getInstance("HmacSHA256");
        hmac.init(new SecretKeySpec(key.hmacSecret(), "HmacSHA256"));
        hmac.update(ticket, 0, ticket.length - 32);
        assertArrayEquals(Arrays.copyOfRange(ticket, ticket.length - 32, ticket.length), hmac.doFinal(),
                "bytes 16-31 are the HMAC-SHA256 secret");

        Cipher aes = Cipher.getInstance("AES/CBC/PKCS5Padding");
        aes.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key.aesKey(), "AES"),
                new IvParameterSpec(Arrays.copyOfRange(ticket, 16, 32)));
        byte[] session = aes.doFinal(ticket, 32, ticket.length - 32 - 32);
        assertEquals(0x30, session[0] & 0xFF, "bytes 32-47 are the AES-128 key: the state is a DER SSL_SESSION");
    }

    private static String runNode(TicketKey key, HeldCertificate cert) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("node", "-e", SCRIPT).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().put("TICKET_KEYS", HexFormat.of().formatHex(key.toNodeBytes()));
        builder.environment().put("KEY", cert.privateKeyPem());
        builder.environment().put("CERT", cert.certificatePem());
        Process node;
        try {
            node = builder.start();
        } catch (IOException e) {
            throw new IOException("node is needed by this test (scripts/install-test-deps.sh installs it)", e);
        }
        try {
            byte[] out = node.getInputStream().readAllBytes();
            assertTrue(node.waitFor(20, TimeUnit.SECONDS), "node did not exit");
            String text = new String(out, StandardCharsets.UTF_8);
            assertEquals(0, node.exitValue(), text);
            return text;
        } finally {
            node.destroyForcibly();
        }
    }
}
