package io.jtls.support;

import io.jtls.pki.HeldCertificate;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Encrypted PKCS#8 keys for tests of wrong passphrases. A wrong passphrase decrypts to random
 * bytes, and about one time in 300 those end in valid CBC padding: OpenSSL then reports the
 * decoder's {@code unsupported} instead of {@code bad decrypt} (Node alike, checked). Each
 * encryption has a fresh salt and IV, so a test asserting {@code bad decrypt} would fail that
 * often; these helpers decide the case with the JDK's own PBES2 decryption, independent of jtls.
 */
public final class EncryptedKeys {
    private EncryptedKeys() {}

    /**
     * {@code key}'s private key encrypted with {@code passphrase} (jtls's PEM writer), re-encrypted
     * until every one of {@code wrong} fails the padding check: OpenSSL says {@code bad decrypt}.
     */
    public static String encryptedRejecting(HeldCertificate key, String passphrase, String... wrong) {
        for (int attempt = 0; attempt < 100; attempt++) {
            String pem = key.encryptedPrivateKeyPem(passphrase);
            boolean all = true;
            for (String w : wrong) {
                all &= !paddingValid(pem, w);
            }
            if (all) {
                return pem;
            }
        }
        throw new AssertionError("no encryption where the wrong passphrases fail the padding in 100 tries");
    }

    /** A passphrase ("p0", "p1", ...) under which {@code pem} decrypts to valid padding: a wrong one OpenSSL cannot call wrong. */
    public static String passphraseWithValidPadding(String pem) {
        for (int i = 0; i < 20_000; i++) {
            if (paddingValid(pem, "p" + i)) {
                return "p" + i;
            }
        }
        throw new AssertionError("no passphrase with valid padding in 20,000 tries");
    }

    /** True when {@code passphrase} decrypts the encrypted PKCS#8 PEM to bytes with valid padding. */
    public static boolean paddingValid(String pem, String passphrase) {
        try {
            byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
            EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
            Cipher cipher = Cipher.getInstance(info.getAlgName());
            cipher.init(Cipher.DECRYPT_MODE, SecretKeyFactory.getInstance(info.getAlgName())
                    .generateSecret(new PBEKeySpec(passphrase.toCharArray())), info.getAlgParameters());
            cipher.doFinal(info.getEncryptedData());
            return true;
        } catch (BadPaddingException e) {
            return false;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new AssertionError("cannot decrypt the test key with the JDK", e);
        }
    }
}
