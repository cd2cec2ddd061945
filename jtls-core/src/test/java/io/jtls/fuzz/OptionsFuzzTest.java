package io.jtls.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jtls.SecureContext;
import io.jtls.Tls;
import io.jtls.context.SecureContextOptions;
import io.jtls.pki.HeldCertificate;
import io.jtls.session.TicketKey;
import io.jtls.session.TicketKeyRing;
import java.nio.charset.StandardCharsets;

/**
 * PEM and option inputs a user hands to {@code createSecureContext}: keys, certificates, CAs,
 * CRLs and DH parameters as PEM (real ones with bytes changed, or anything), passphrases, PKCS#12
 * blobs, cipher/curve/sigalg/version strings, ticket keys. A context is built or refused with a
 * Node error ({@code ERR_OSSL_*}, {@code ERR_INVALID_ARG_*}...); ticket keys of the wrong size
 * are refused with the {@link IllegalArgumentException} {@link TicketKey} documents.
 */
class OptionsFuzzTest {
    private static final HeldCertificate HELD = HeldCertificate.builder().commonName("options.fuzz").ec("prime256v1").build();
    private static final byte[] CERT = HELD.certificatePem().getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEY = HELD.privateKeyPem().getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ENCRYPTED_KEY = HELD.encryptedPrivateKeyPem("pw").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PFX = HELD.pkcs12("pw");
    private static final String[] VERSIONS = {"TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3", "", "TLSv1.4"};

    @FuzzTest
    void context(FuzzedDataProvider data) {
        SecureContextOptions.Builder b = SecureContextOptions.builder();
        switch (data.consumeInt(0, 3)) {
            case 0 -> b.cert(pem(data, CERT)).key(pem(data, KEY));
            case 1 -> b.cert(CERT).key(new String(pem(data, ENCRYPTED_KEY), StandardCharsets.ISO_8859_1), data.consumeString(8));
            case 2 -> b.pfx(pem(data, PFX), data.consumeString(8));
            default -> b.ca(pem(data, CERT));
        }
        if (data.consumeBoolean()) {
            b.ciphers(data.consumeString(40));
        }
        if (data.consumeBoolean()) {
            b.ecdhCurve(data.consumeString(20));
        }
        if (data.consumeBoolean()) {
            b.sigalgs(data.consumeString(40));
        }
        if (data.consumeBoolean()) {
            b.minVersion(data.pickValue(VERSIONS)).maxVersion(data.pickValue(VERSIONS));
        }
        if (data.consumeBoolean()) {
            b.ticketKeys(data.consumeBytes(data.consumeInt(0, 100)));
        }
        if (data.consumeBoolean()) {
            b.sessionIdContext(data.consumeString(40));
        }
        if (data.consumeBoolean()) {
            b.dhparam(new String(data.consumeBytes(200), StandardCharsets.ISO_8859_1));
        }
        if (data.consumeBoolean()) {
            b.crl(data.consumeString(200));
        }
        FuzzChecks.refusesOnlyAsDocumented(() -> {
            try (SecureContext ignored = Tls.createSecureContext(b.build())) {
                // built: closed at once
            }
        });
    }

    @FuzzTest
    void ticketKeys(byte[] keys) {
        FuzzChecks.refusesOnlyAsDocumented(() -> TicketKey.fromNodeBytes(keys), IllegalArgumentException.class);
        FuzzChecks.refusesOnlyAsDocumented(() -> TicketKeyRing.fromNodeBytes(keys), IllegalArgumentException.class);
        FuzzChecks.refusesOnlyAsDocumented(() -> {
            try (SecureContext ignored = Tls.createSecureContext(SecureContextOptions.builder().ticketKeys(keys).build())) {
                // built
            }
        });
    }

    /** A real PEM (or PKCS#12) with a few bytes changed, or the fuzzer's own bytes. */
    private static byte[] pem(FuzzedDataProvider data, byte[] template) {
        return data.consumeBoolean()
                ? FuzzChecks.edited(template, data.consumeBytes(3 * data.consumeInt(0, 6)), data.consumeInt(0, template.length))
                : data.consumeBytes(data.consumeInt(0, 600));
    }
}
