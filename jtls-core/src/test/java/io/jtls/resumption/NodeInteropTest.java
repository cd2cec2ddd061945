package io.jtls.resumption;

import static io.jtls.resumption.Resumption.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jtls.TlsServerOptions;
import io.jtls.context.Constants;
import io.jtls.session.InMemorySessionStore;
import io.jtls.support.ExternalProcess;
import io.jtls.support.NativeLeakCheck;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Resumption between jtls and Node v20, both ways, with the sessions of the {@code 'session'}
 * event: a Node client resumes against a jtls server, and a jtls client against a Node server,
 * with tickets and with session ids (TLS 1.3: stateful tickets), TLS 1.2 and TLS 1.3. A Node server
 * cannot resume TLS 1.3 stateful tickets at all (it looks up the random legacy session id).
 * The peers are {@code resumption-client.js} and {@code resumption-server.js}.
 */
class NodeInteropTest {
    private static final Pattern CONNECTION = Pattern.compile(
            "\\{\"conn\":(\\d+),\"protocol\":\"([^\"]+)\",\"reused\":(true|false),\"sessions\":(\\d+)}");
    @RegisterExtension
    final NativeLeakCheck nativeLeaks = NativeLeakCheck.eventually();
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}, tickets={1}")
    @CsvSource({"TLSv1.2, true", "TLSv1.2, false", "TLSv1.3, true", "TLSv1.3, false"})
    void aNodeClientResumesAgainstAJtlsServer(String version, boolean tickets) throws Exception {
        TlsServerOptions.Builder options = serverOptions().maxVersion(version);
        if (!tickets) {
            options.secureOptions(Constants.SSL_OP_NO_TICKET).sessionStore(InMemorySessionStore.create());
        }
        Path ca = Files.writeString(dir.resolve("ca.pem"), ROOT.certificatePem());
        try (Listening l = listen(options.build());
             ExternalProcess node = ExternalProcess.start(List.of("node", script("resumption-client.js"),
                     "{\"port\":" + l.port() + ",\"ca\":\"" + ca + "\",\"maxVersion\":\"" + version
                             + "\",\"reconnects\":3}"))) {
            assertEquals(0, node.waitFor(Duration.ofSeconds(30)), node.output());
            List<Matcher> lines = node.output().lines().map(CONNECTION::matcher).filter(Matcher::matches).toList();
            assertEquals(4, lines.size(), node.output());
            for (Matcher m : lines) {
                boolean first = m.group(1).equals("0");
                assertEquals(version, m.group(2));
                assertEquals(!first, Boolean.parseBoolean(m.group(3)), node.output());
            }
            assertTrue(Integer.parseInt(lines.getFirst().group(4)) >= 1, "Node got a 'session' event");
        }
    }

    @ParameterizedTest(name = "{0}, tickets={1}")
    @CsvSource({"TLSv1.2, true", "TLSv1.2, false", "TLSv1.3, true", "TLSv1.3, false"})
    void aJtlsClientResumesAgainstANodeServer(String version, boolean tickets) throws Exception {
        Path key = Files.writeString(dir.resolve("key.pem"), SERVER.privateKeyPem());
        Path cert = Files.writeString(dir.resolve("cert.pem"), SERVER.chainPem());
        try (ExternalProcess node = ExternalProcess.start(List.of("node", script("resumption-server.js"),
                "{\"key\":\"" + key + "\",\"cert\":\"" + cert + "\",\"maxVersion\":\"" + version
                        + "\",\"noTicket\":" + !tickets + ",\"cache\":" + !tickets + "}"))) {
            int port = Integer.parseInt(node.awaitLine(Pattern.compile("\\{\"port\":(\\d+)}"), Duration.ofSeconds(20))
                    .group(1));
            int perHandshake = version.equals("TLSv1.2") ? 1 : 2;
            Conn first = connectFor(clientTo(port).build(), perHandshake);
            assertFalse(first.reused);
            if (version.equals("TLSv1.3") && !tickets) {
                // Node's server looks up the ClientHello's legacy session id, which a TLS 1.3 client
                // fills with random bytes, never the stateful ticket (a Node client fares the same):
                // a full handshake, without error. (jtls's server resumes these: the test above.)
                Conn again = connectFor(clientTo(port).session(first.session()).build(), perHandshake);
                assertFalse(again.reused);
                assertTrue(node.output().contains("{\"event\":\"resumeSession\",\"found\":false}"), node.output());
                node.closeStdin();
                node.waitFor(Duration.ofSeconds(10));
                return;
            }
            for (int i = 0; i < 3; i++) {
                Conn again = connectFor(clientTo(port).session(first.session()).build(), 0);
                assertTrue(again.reused, "resumption " + i + " against Node:\n" + node.output());
            }
            if (!tickets) {
                assertTrue(node.output().contains("{\"event\":\"resumeSession\",\"found\":true}"), node.output());
            }
            node.closeStdin();
            node.waitFor(Duration.ofSeconds(10));
        }
    }

    private static String script(String name) {
        try {
            return Path.of(Objects.requireNonNull(NodeInteropTest.class.getResource("/node/" + name), name).toURI())
                    .toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
