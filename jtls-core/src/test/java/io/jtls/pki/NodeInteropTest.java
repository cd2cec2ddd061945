package io.jtls.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.internal.openssl.NativeKind;
import io.jtls.support.EncryptedKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Node reads what HeldCertificate makes: {@code crypto.X509Certificate} parses the
 * certificates and agrees on issuers and signatures, and {@code tls.createSecureContext}
 * accepts the keys (plain, encrypted, PKCS#12) with their certificates.
 */
class NodeInteropTest {
    /** Prints key=value lines about leaf.pem, inter.pem and root.pem. */
    private static final String INSPECT = """
            const { X509Certificate } = require('crypto');
            const fs = require('fs');
            const [leaf, inter, root] = ['leaf.pem', 'inter.pem', 'root.pem']
                .map(f => new X509Certificate(fs.readFileSync(f)));
            const out = {
              subject: leaf.subject.replace(/\\n/g, '/'),
              issuer: leaf.issuer.replace(/\\n/g, '/'),
              san: leaf.subjectAltName,
              serial: leaf.serialNumber,
              leafCa: leaf.ca, interCa: inter.ca, rootCa: root.ca,
              leafIssuedByInter: leaf.checkIssued(inter),
              leafIssuedByRoot: leaf.checkIssued(root),
              interIssuedByRoot: inter.checkIssued(root),
              leafVerifiesUnderInter: leaf.verify(inter.publicKey),
              leafVerifiesUnderRoot: leaf.verify(root.publicKey),
              interVerifiesUnderRoot: inter.verify(root.publicKey),
              rootSelfSigned: root.verify(root.publicKey),
              checkHost: leaf.checkHost('localhost'),
              checkOtherHost: leaf.checkHost('example.org'),
              checkIP: leaf.checkIP('127.0.0.1'),
              keyType: leaf.publicKey.asymmetricKeyType,
              interKeyType: inter.publicKey.asymmetricKeyType,
              keyUsage: leaf.keyUsage,
              infoAccess: (leaf.infoAccess || '').replace(/\\n/g, '/'),
              validTo: new Date(leaf.validTo).toISOString(),
            };
            for (const [k, v] of Object.entries(out)) console.log(k + '=' + v);
            """;

    @TempDir
    Path dir;
    private long liveAtStart;

    @BeforeEach
    void countNativeObjects() {
        liveAtStart = NativeKind.liveTotal();
    }

    @AfterEach
    void everyNativeObjectWasFreed() {
        assertEquals(liveAtStart, NativeKind.liveTotal(), NativeKind.liveSummary());
    }

    @Test
    void nodeParsesTheChainAndAgreesOnIssuersAndSignatures() throws IOException {
        HeldCertificate root = HeldCertificate.builder().commonName("Node Root").certificateAuthority(1).build();
        HeldCertificate inter = HeldCertificate.builder().commonName("Node Inter").certificateAuthority(0)
                .rsa(2048).signedBy(root).build();
        HeldCertificate leaf = HeldCertificate.builder().commonName("localhost").organization("Acme")
                .addSubjectAltName("localhost").addSubjectAltName("127.0.0.1")
                .extendedKeyUsage("serverAuth").ocspResponder("http://ocsp.example.com")
                .serialNumber(0x1234abcdL).signedBy(inter).build();
        Map<String, String> facts = inspect(root, inter, leaf);

        assertEquals("O=Acme/CN=localhost", facts.get("subject"));
        assertEquals("CN=Node Inter", facts.get("issuer"));
        assertEquals("DNS:localhost, IP Address:127.0.0.1", facts.get("san"));
        assertEquals("1234ABCD", facts.get("serial"));
        assertEquals("false", facts.get("leafCa"));
        assertEquals("true", facts.get("interCa"));
        assertEquals("true", facts.get("rootCa"));
        assertEquals("true", facts.get("leafIssuedByInter"));
        assertEquals("false", facts.get("leafIssuedByRoot"));
        assertEquals("true", facts.get("interIssuedByRoot"));
        assertEquals("true", facts.get("leafVerifiesUnderInter"));
        assertEquals("false", facts.get("leafVerifiesUnderRoot"));
        assertEquals("true", facts.get("interVerifiesUnderRoot"));
        assertEquals("true", facts.get("rootSelfSigned"));
        assertEquals("localhost", facts.get("checkHost"));
        assertEquals("undefined", facts.get("checkOtherHost"));
        assertEquals("127.0.0.1", facts.get("checkIP"));
        assertEquals("ec", facts.get("keyType"));
        assertEquals("rsa", facts.get("interKeyType"));
        assertEquals("1.3.6.1.5.5.7.3.1", facts.get("keyUsage"));
        assertEquals("OCSP - URI:http://ocsp.example.com", facts.get("infoAccess"));
        assertEquals(leaf.notAfter().toString().replace("Z", ".000Z"), facts.get("validTo"));
    }

    @Test
    void nodeVerifiesEd25519Signatures() throws IOException {
        HeldCertificate root = HeldCertificate.builder().commonName("Ed Root").ed25519().certificateAuthority(1).build();
        HeldCertificate inter = HeldCertificate.builder().commonName("Ed Inter").ed25519().certificateAuthority(0)
                .signedBy(root).build();
        HeldCertificate leaf = HeldCertificate.builder().commonName("localhost").addSubjectAltName("localhost")
                .ed25519().signedBy(inter).build();
        Map<String, String> facts = inspect(root, inter, leaf);
        assertEquals("ed25519", facts.get("keyType"));
        assertEquals("true", facts.get("leafVerifiesUnderInter"));
        assertEquals("false", facts.get("leafVerifiesUnderRoot"));
        assertEquals("true", facts.get("interVerifiesUnderRoot"));
    }

    @Test
    void nodeLoadsEveryKeyFormIntoASecureContext() throws IOException {
        HeldCertificate root = HeldCertificate.builder().commonName("Ctx Root").certificateAuthority(0).build();
        for (HeldCertificate leaf : new HeldCertificate[] {
                HeldCertificate.builder().commonName("rsa").rsa(2048).signedBy(root).build(),
                HeldCertificate.builder().commonName("ec").signedBy(root).build()}) {
            Files.writeString(dir.resolve("cert.pem"), leaf.chainPem());
            Files.writeString(dir.resolve("ca.pem"), root.certificatePem());
            Files.writeString(dir.resolve("pkcs8.pem"), leaf.privateKeyPem());
            Files.writeString(dir.resolve("pkcs1.pem"), leaf.privateKeyPkcs1Pem());
            // "nope" fails the padding check (else OpenSSL, in Node too, says "unsupported": 1 in ~300)
            Files.writeString(dir.resolve("enc8.pem"), EncryptedKeys.encryptedRejecting(leaf, "pw", "nope"));
            Files.writeString(dir.resolve("enc1.pem"), leaf.encryptedPrivateKeyPkcs1Pem("pw"));
            Files.write(dir.resolve("leaf.p12"), leaf.pkcs12("pw"));
            String script = """
                    const tls = require('tls'); const fs = require('fs');
                    const cert = fs.readFileSync('cert.pem'), ca = fs.readFileSync('ca.pem');
                    const tryIt = (name, opts) => {
                      try { tls.createSecureContext(opts); console.log(name + '=ok'); }
                      catch (e) { console.log(name + '=' + (e.code || e.message)); }
                    };
                    tryIt('pkcs8', { cert, ca, key: fs.readFileSync('pkcs8.pem') });
                    tryIt('pkcs1', { cert, ca, key: fs.readFileSync('pkcs1.pem') });
                    tryIt('enc8', { cert, ca, key: fs.readFileSync('enc8.pem'), passphrase: 'pw' });
                    tryIt('enc1', { cert, ca, key: fs.readFileSync('enc1.pem'), passphrase: 'pw' });
                    tryIt('enc8wrong', { cert, ca, key: fs.readFileSync('enc8.pem'), passphrase: 'nope' });
                    tryIt('pfx', { pfx: fs.readFileSync('leaf.p12'), passphrase: 'pw' });
                    tryIt('pfxwrong', { pfx: fs.readFileSync('leaf.p12'), passphrase: 'nope' });
                    """;
            Map<String, String> facts = parse(Cli.run(dir, "node", "-e", script).ok());
            assertEquals("ok", facts.get("pkcs8"), leaf.keyType());
            assertEquals("ok", facts.get("pkcs1"), leaf.keyType());
            assertEquals("ok", facts.get("enc8"), leaf.keyType());
            assertEquals("ok", facts.get("enc1"), leaf.keyType());
            assertEquals("ERR_OSSL_BAD_DECRYPT", facts.get("enc8wrong"), leaf.keyType());
            assertEquals("ok", facts.get("pfx"), leaf.keyType());
            assertEquals("mac verify failure", facts.get("pfxwrong"), facts.toString());
        }
    }

    private Map<String, String> inspect(HeldCertificate root, HeldCertificate inter, HeldCertificate leaf)
            throws IOException {
        Files.writeString(dir.resolve("root.pem"), root.certificatePem());
        Files.writeString(dir.resolve("inter.pem"), inter.certificatePem());
        Files.writeString(dir.resolve("leaf.pem"), leaf.certificatePem());
        return parse(Cli.run(dir, "node", "-e", INSPECT).ok());
    }

    private static Map<String, String> parse(String output) {
        Map<String, String> facts = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                facts.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return facts;
    }
}
