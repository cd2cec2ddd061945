package io.jtls.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * A saved TLS session: Node's {@code getSession()} bytes (OpenSSL's DER {@code SSL_SESSION}) in
 * the PEM wrapping OpenSSL's {@code PEM_write_SSL_SESSION} uses, so {@code openssl s_client
 * -sess_in} reads what {@code --session-out} writes and the other way round.
 */
final class SessionFile {
    static final String LABEL = "SSL SESSION PARAMETERS";

    private SessionFile() {}

    static void write(Path file, byte[] der) throws IOException {
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        Files.writeString(file, "-----BEGIN " + LABEL + "-----\n" + body + "\n-----END " + LABEL + "-----\n");
    }

    /** PEM with {@link #LABEL}, or raw DER. */
    static byte[] read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int begin = text.indexOf("-----BEGIN " + LABEL + "-----");
        if (begin < 0) return bytes;
        int start = text.indexOf('\n', begin) + 1;
        int end = text.indexOf("-----END " + LABEL + "-----", start);
        if (start <= 0 || end < 0) throw new UsageException(file + ": unterminated " + LABEL + " PEM block");
        return Base64.getMimeDecoder().decode(text.substring(start, end));
    }
}
