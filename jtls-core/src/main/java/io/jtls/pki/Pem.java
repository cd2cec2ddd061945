package io.jtls.pki;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** PEM armour (RFC 7468) in Java: base64 in 64-column lines between BEGIN and END labels. */
final class Pem {
    private Pem() {}

    private static final Base64.Encoder ENCODER =
            Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));

    static String encode(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + ENCODER.encodeToString(der) + "\n"
                + "-----END " + label + "-----\n";
    }
}
