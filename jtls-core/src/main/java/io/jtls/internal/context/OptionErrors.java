package io.jtls.internal.context;

import io.jtls.context.SecureContextOptions;
import io.jtls.error.OpenSslException;
import io.jtls.error.TlsException;
import java.nio.charset.StandardCharsets;

/**
 * Says which option (and which file) a context error is about. Node's code stays; Node's
 * message stays the start of the message, followed by {@code "; "}, the option, the file it
 * was read from in parentheses, and what jtls can tell about the cause:
 * {@code error:1C800064:Provider routines::bad decrypt; options.key (server-key.pem): encrypted
 * private key and no passphrase}.
 */
final class OptionErrors {
    private OptionErrors() {}

    /** {@code options.key (server-key.pem)}, or only the option when it was not read from a file. */
    static String where(SecureContextOptions options, String option) {
        String file = options.files().get(option);
        return file == null ? option : option + " (" + file + ")";
    }

    /** The same error with {@code "; " + where + (hint == null ? "" : ": " + hint)} after Node's message. */
    static TlsException annotate(TlsException e, String where, String hint) {
        String message = e.getMessage() + "; " + where + (hint == null ? "" : ": " + hint);
        TlsException out;
        if (e instanceof OpenSslException o) {
            out = new OpenSslException(o.code(), message, o.errors());
        } else if (e.getClass() == TlsException.class) {
            out = new TlsException(e.code(), message, e.getCause());
        } else {
            return e; // a kind with a message of its own (argument errors already name the option)
        }
        out.setStackTrace(e.getStackTrace());
        return out;
    }

    /** What a key option's error means, from OpenSSL's reason and what the PEM holds. */
    static String keyHint(TlsException e, byte[] pem, String passphrase) {
        String reason = e instanceof OpenSslException o ? o.reason() : null;
        String text = new String(pem, StandardCharsets.ISO_8859_1);
        boolean badDecrypt = "bad decrypt".equals(reason) || "bad password read".equals(reason);
        // The decoder finding no key in an encrypted one: about one wrong passphrase in 300
        // decrypts to bytes with valid padding, which then decode as nothing; an encryption this
        // OpenSSL has no provider for fails the same way with the right passphrase.
        boolean undecodable = "unsupported".equals(reason)
                && (text.contains("-----BEGIN ENCRYPTED PRIVATE KEY") || text.contains("Proc-Type: 4,ENCRYPTED"));
        if (badDecrypt || undecodable) {
            if (passphrase == null || passphrase.isEmpty()) {
                return "encrypted private key and no passphrase";
            }
            return badDecrypt ? "wrong passphrase for the encrypted private key"
                    : "wrong passphrase for the encrypted private key, or an encryption this OpenSSL cannot read";
        }
        if ("key values mismatch".equals(reason)) {
            return "the private key does not belong to the certificate in options.cert";
        }
        if (!text.contains("PRIVATE KEY") && text.contains("-----BEGIN CERTIFICATE")) {
            return "a certificate, not a private key (are key and cert swapped?)";
        }
        if (!text.contains("-----BEGIN")) {
            return "no PEM block (-----BEGIN ... PRIVATE KEY-----) found";
        }
        return null;
    }

    /** What a cert option's error means. */
    static String certHint(byte[] pem) {
        String text = new String(pem, StandardCharsets.ISO_8859_1);
        if (!text.contains("-----BEGIN CERTIFICATE") && text.contains("PRIVATE KEY")) {
            return "a private key, not a certificate (are key and cert swapped?)";
        }
        if (!text.contains("-----BEGIN")) {
            return "no PEM block (-----BEGIN CERTIFICATE-----) found";
        }
        return null;
    }

    /** What a pfx option's error means. */
    static String pfxHint(TlsException e, String passphrase) {
        String reason = e instanceof OpenSslException o ? o.reason() : e.getMessage();
        if ("mac verify failure".equals(reason)) {
            return passphrase == null || passphrase.isEmpty()
                    ? "the PKCS#12 file needs a passphrase (or it is damaged)"
                    : "wrong passphrase for the PKCS#12 file (or it is damaged)";
        }
        return null;
    }
}
