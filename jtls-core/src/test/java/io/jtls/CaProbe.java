package io.jtls;

import io.jtls.context.SecureContextOptions;
import io.jtls.error.NodeError;
import io.jtls.net.EventEmitter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs in a JVM of its own (CA lists and the OpenSSL configuration are process-wide), one
 * step per argument, printing one line per step: {@code step=result}. Steps:
 * {@code dhparam:FILE} (a context with that dhparam: OK or the error code),
 * {@code connect:PORT} (a client with the default trust, to "localhost": authorized or the
 * error code), {@code extra}/{@code default}/{@code system}/{@code bundled} (how many
 * certificates, and whether the first one's text equals {@code expect:FILE} given before),
 * {@code set:FILE} / {@code setText:TEXT} ({@code setDefaultCACertificates}: OK or the code).
 */
public final class CaProbe {
    private CaProbe() {}

    public static void main(String[] args) throws Exception {
        String expected = null;
        for (String arg : args) {
            int colon = arg.indexOf(':');
            String step = colon < 0 ? arg : arg.substring(0, colon);
            String value = colon < 0 ? null : arg.substring(colon + 1);
            String result;
            try {
                result = switch (step) {
                    case "expect" -> {
                        expected = Files.readString(Path.of(value));
                        yield "read";
                    }
                    case "dhparam" -> {
                        Tls.createSecureContext(SecureContextOptions.builder()
                                .dhparam(Files.readAllBytes(Path.of(value))).build()).close();
                        yield "OK";
                    }
                    case "connect" -> connect(Integer.parseInt(value));
                    case "extra", "default", "system", "bundled" -> {
                        List<String> list = Tls.getCACertificates(step);
                        yield list.size() + (expected == null || list.isEmpty() ? ""
                                : " first-matches=" + list.getFirst().equals(expected)
                                + " contains=" + list.contains(expected));
                    }
                    case "set" -> {
                        Tls.setDefaultCACertificates(List.of(Files.readString(Path.of(value))));
                        yield "OK";
                    }
                    case "setText" -> {
                        Tls.setDefaultCACertificates(List.of(value.replace("\\n", "\n")));
                        yield "OK";
                    }
                    default -> "unknown step";
                };
            } catch (RuntimeException e) {
                result = e instanceof NodeError n ? n.code() : e.toString();
            }
            System.out.println(step + "=" + result);
        }
        System.exit(0);
    }

    private static String connect(int port) throws Exception {
        CompletableFuture<String> outcome = new CompletableFuture<>();
        TlsSocket socket = Tls.connect(TlsConnectOptions.builder().host("127.0.0.1").port(port)
                .servername("localhost").build(),
                s -> s.on(EventEmitter.ERROR, e -> outcome.complete(e instanceof NodeError n ? n.code() : e.toString())),
                () -> outcome.complete("authorized"));
        try {
            return outcome.get(20, TimeUnit.SECONDS);
        } finally {
            socket.destroy();
        }
    }
}
