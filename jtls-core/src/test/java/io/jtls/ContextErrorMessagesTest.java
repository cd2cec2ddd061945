package io.jtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.context.SecureContextOptions;
import io.jtls.error.TlsArgumentException;
import io.jtls.error.TlsException;
import io.jtls.pki.HeldCertificate;
import io.jtls.support.EncryptedKeys;
import io.jtls.support.ExternalProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rejected option is named, with the file it came from and what is wrong, after Node's own
 * message (Node's code unchanged): what a user needs to fix a configuration without a debugger.
 */
class ContextErrorMessagesTest {
    @TempDir
    static Path dir;
    static HeldCertificate server;
    static Path certFile;
    static Path keyFile;
    static Path encryptedKeyFile;

    @BeforeAll
    static void files() throws IOException {
        server = HeldCertificate.builder().commonName("localhost").addSubjectAltName("localhost").build();
        certFile = Files.writeString(dir.resolve("server-cert.pem"), server.chainPem());
        keyFile = Files.writeString(dir.resolve("server-key.pem"), server.privateKeyPem());
        // Encrypted so that no passphrase and "nope" fail the padding check: OpenSSL's "bad decrypt"
        encryptedKeyFile = Files.writeString(dir.resolve("server-key-enc.pem"),
                EncryptedKeys.encryptedRejecting(server, "secret", "", "nope"));
    }

    private static TlsException rejected(SecureContextOptions.Builder options) {
        return assertThrows(TlsException.class, () -> Tls.createSecureContext(options.build()).close());
    }

    @Test
    void anEncryptedKeyWithoutPassphraseIsToldApartFromAWrongPassphrase() {
        TlsException none = rejected(SecureContextOptions.builder().cert(certFile).key(encryptedKeyFile));
        TlsException wrong = rejected(SecureContextOptions.builder().cert(certFile).key(encryptedKeyFile).passphrase("nope"));
        assertEquals("ERR_OSSL_BAD_DECRYPT", none.code(), "Node's code");
        assertEquals("ERR_OSSL_BAD_DECRYPT", wrong.code(), "Node's code");
        assertTrue(none.getMessage().endsWith("bad decrypt; options.key (" + encryptedKeyFile
                + "): encrypted private key and no passphrase"), none.getMessage());
        assertTrue(wrong.getMessage().endsWith("bad decrypt; options.key (" + encryptedKeyFile
                + "): wrong passphrase for the encrypted private key"), wrong.getMessage());
        assertNotEquals(none.getMessage(), wrong.getMessage());
    }

    /**
     * About one wrong passphrase in 300 decrypts to bytes with valid padding, and OpenSSL then
     * fails in its decoder ({@code unsupported}), as Node reports it too (checked in this run):
     * the code stays Node's, and the message still tells the user what to look at.
     */
    @Test
    void aWrongPassphraseThatDecryptsToGarbageIsStillNamed() throws Exception {
        String pem = Files.readString(encryptedKeyFile);
        String unlucky = EncryptedKeys.passphraseWithValidPadding(pem);
        TlsException e = rejected(SecureContextOptions.builder().cert(certFile).key(encryptedKeyFile).passphrase(unlucky));
        String node = ExternalProcess.run(dir, Duration.ofSeconds(60), List.of("node", "-e", """
                const fs = require('fs');
                try {
                  require('tls').createSecureContext({ cert: fs.readFileSync(process.argv[1]),
                      key: fs.readFileSync(process.argv[2]), passphrase: process.argv[3] });
                  console.log('ok');
                } catch (e) { console.log(e.code); }
                """, certFile.toString(), encryptedKeyFile.toString(), unlucky)).ok().trim();
        assertEquals(node, e.code(), "Node's code for the same file and passphrase");
        assertTrue(e.getMessage().endsWith("; options.key (" + encryptedKeyFile + "): wrong passphrase for the"
                + " encrypted private key, or an encryption this OpenSSL cannot read"), e.getMessage());
    }

    @Test
    void swappedKeyAndCertSayWhichIsWhich() {
        TlsException e = rejected(SecureContextOptions.builder().cert(keyFile).key(certFile));
        assertEquals("ERR_OSSL_PEM_NO_START_LINE", e.code());
        assertTrue(e.getMessage().endsWith("no start line; options.cert (" + keyFile
                + "): a private key, not a certificate (are key and cert swapped?)"), e.getMessage());

        // The certificate right, the key option given the certificate:
        TlsException key = rejected(SecureContextOptions.builder().cert(certFile).key(certFile));
        assertTrue(key.getMessage().contains("; options.key (" + certFile
                + "): a certificate, not a private key (are key and cert swapped?)"), key.getMessage());
    }

    @Test
    void aKeyOfAnotherCertificateIsNamed() {
        HeldCertificate other = HeldCertificate.builder().commonName("other").build();
        TlsException e = rejected(SecureContextOptions.builder().cert(certFile).key(other.privateKeyPem()));
        assertEquals("ERR_OSSL_X509_KEY_VALUES_MISMATCH", e.code());
        assertTrue(e.getMessage().endsWith(
                "key values mismatch; options.key: the private key does not belong to the certificate in options.cert"),
                e.getMessage());
    }

    @Test
    void theUnknownCurveIsNamed() {
        TlsException e = rejected(SecureContextOptions.builder().ecdhCurve("P-256:brainpool9000:X25519"));
        assertEquals("ERR_CRYPTO_OPERATION_FAILED", e.code());
        assertEquals("Failed to set ECDH curve; options.ecdhCurve: unknown curve 'brainpool9000'"
                + " (in 'P-256:brainpool9000:X25519')", e.getMessage());
    }

    @Test
    void theCipherListIsNamed() {
        TlsException e = rejected(SecureContextOptions.builder().ciphers("NOPE:ALSO-NOPE"));
        assertEquals("ERR_SSL_NO_CIPHER_MATCH", e.code());
        assertTrue(e.getMessage().endsWith(
                "no cipher match; options.ciphers: no cipher of 'NOPE:ALSO-NOPE' is known to OpenSSL"), e.getMessage());
    }

    @Test
    void theProtocolIsNamed() {
        TlsArgumentException e = assertThrows(TlsArgumentException.class,
                () -> Tls.createSecureContext(SecureContextOptions.builder().minVersion("TLSv1.9").build()));
        assertEquals("ERR_TLS_INVALID_PROTOCOL_VERSION", e.code());
        assertEquals("\"TLSv1.9\" is not a valid minimum TLS protocol version", e.getMessage(), "Node's text names it");
    }

    @Test
    void aPfxWithTheWrongPassphraseIsNamedWithItsFile() throws IOException {
        Path pfx = Files.write(dir.resolve("server.p12"), server.pkcs12("right"));
        TlsException e = rejected(SecureContextOptions.builder().pfx(pfx).passphrase("wrong"));
        assertEquals("mac verify failure; options.pfx (" + pfx
                + "): wrong passphrase for the PKCS#12 file (or it is damaged)", e.getMessage());
    }

    @Test
    void aMissingFileIsNodesEnoent() {
        Path missing = dir.resolve("no-such-key.pem");
        TlsException e = assertThrows(TlsException.class, () -> SecureContextOptions.builder().key(missing));
        assertEquals("ENOENT", e.code());
        assertEquals("ENOENT: no such file or directory, open '" + missing + "'; options.key", e.getMessage());
        TlsException directory = assertThrows(TlsException.class, () -> SecureContextOptions.builder().cert(dir));
        assertEquals("EISDIR", directory.code());
    }

    @Test
    void theFileIsRememberedOnlyWhileTheOptionHoldsItsContents() {
        SecureContextOptions fromFiles = SecureContextOptions.builder().cert(certFile).key(keyFile).ca(certFile).build();
        assertEquals(Map.of("options.cert", certFile.toString(), "options.key", keyFile.toString(),
                "options.ca", certFile.toString()), fromFiles.files());
        assertEquals(fromFiles.files(), fromFiles.toBuilder().build().files(), "a derived variant keeps them");
        SecureContextOptions changed = fromFiles.toBuilder().key(server.privateKeyPem()).addCa(server.certificatePem()).build();
        assertEquals(Map.of("options.cert", certFile.toString()), changed.files(),
                "replaced (key) or grown (ca): no longer that file's");
        assertEquals(fromFiles, SecureContextOptions.builder().cert(server.chainPem()).key(server.privateKeyPem())
                .ca(server.chainPem()).build(), "the source is not part of equality");
    }
}
