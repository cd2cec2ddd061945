package io.jtls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.context.Constants;
import io.jtls.context.SecureContextOptions;
import io.jtls.error.OpenSslException;
import io.jtls.error.TlsArgumentException;
import io.jtls.error.TlsException;
import io.jtls.error.TlsRangeException;
import io.jtls.internal.context.NativeSecureContext;
import io.jtls.internal.context.SecureContexts;
import io.jtls.internal.openssl.NativeKind;
import io.jtls.pki.HeldCertificate;
import io.jtls.support.ExternalProcess;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The public face: {@link Tls#createSecureContext}, {@link SecureContextOptions}, {@link Tls#getCiphers()}, {@link Constants}. */
class SecureContextTest {
    static HeldCertificate server;

    @TempDir
    Path dir;

    private long liveAtStart;

    @BeforeAll
    static void material() {
        HeldCertificate root = HeldCertificate.builder().commonName("Public Root").certificateAuthority(0).build();
        server = HeldCertificate.builder().commonName("localhost").signedBy(root).build();
        Tls.createSecureContext().close(); // the shared default roots are made once, before counting
        Tls.getCiphers();
    }

    @BeforeEach
    void count() {
        liveAtStart = NativeKind.liveTotal();
    }

    @AfterEach
    void nothingLeaks() {
        assertEquals(liveAtStart, NativeKind.liveTotal(), NativeKind.liveSummary());
    }

    private static String node(String expression) {
        ExternalProcess.Result r = ExternalProcess.run(Duration.ofSeconds(60), List.of("node", "-p", expression));
        assertEquals(0, r.exitCode(), r.output());
        return r.output().trim();
    }

    @Test
    void getCiphersIsNodesList() {
        String expected = node("require('tls').getCiphers().join(',')");
        assertEquals(expected, String.join(",", Tls.getCiphers()));
        assertTrue(Tls.getCiphers().contains("tls_aes_256_gcm_sha384"));
        assertThrows(UnsupportedOperationException.class, () -> Tls.getCiphers().add("x"));
    }

    @Test
    void defaultCiphersAreNodes() {
        assertEquals(node("require('tls').DEFAULT_CIPHERS"), Tls.DEFAULT_CIPHERS);
        assertEquals(node("require('crypto').constants.defaultCoreCipherList"), Constants.defaultCoreCipherList);
    }

    @Test
    void cipherListCanBeReplacedProcessWide() throws Exception {
        // Constants reads the switch once at class initialisation; call its reader again here.
        java.lang.reflect.Method read = Constants.class.getDeclaredMethod("defaultCipherList");
        read.setAccessible(true);
        String before = System.getProperty("jtls.tls.cipherList");
        System.setProperty("jtls.tls.cipherList", "ECDHE-RSA-AES128-GCM-SHA256:!RC4");
        try {
            assertEquals("ECDHE-RSA-AES128-GCM-SHA256:!RC4", read.invoke(null));
        } finally {
            if (before == null) {
                System.clearProperty("jtls.tls.cipherList");
            } else {
                System.setProperty("jtls.tls.cipherList", before);
            }
        }
        if (System.getenv("JTLS_TLS_CIPHER_LIST") == null) {
            assertEquals(Constants.defaultCoreCipherList, read.invoke(null));
        }
    }

    @Test
    void constantsHaveNodesValues() throws IllegalAccessException {
        List<String> checked = new ArrayList<>();
        StringBuilder js = new StringBuilder("const c = require('crypto').constants; [");
        List<Field> fields = new ArrayList<>();
        for (Field f : Constants.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() != String.class) {
                fields.add(f);
                js.append("c.").append(f.getName()).append(",");
            }
        }
        js.append("].map(v => v === undefined ? 'none' : String(v)).join(',')");
        String[] nodeValues = node(js.toString()).split(",");
        assertEquals(fields.size(), nodeValues.length);
        for (int i = 0; i < fields.size(); i++) {
            if (nodeValues[i].equals("none")) {
                continue; // an OpenSSL option Node does not export
            }
            Number ours = (Number) fields.get(i).get(null);
            assertEquals(nodeValues[i], String.valueOf(ours.longValue()), fields.get(i).getName());
            checked.add(fields.get(i).getName());
        }
        assertTrue(checked.size() >= 30, "compared " + checked);
    }

    @Test
    void createWithDefaultsAndClose() {
        SecureContext context = Tls.createSecureContext();
        assertSame(SecureContextOptions.DEFAULTS, context.options());
        NativeSecureContext nativeContext = SecureContexts.nativeOf(context);
        assertTrue(nativeContext.isAlive());
        assertFalse(context.isClosed());
        context.close();
        context.close();
        assertTrue(context.isClosed());
        assertFalse(nativeContext.isAlive());
        assertThrows(IllegalStateException.class, nativeContext::retain);
    }

    @Test
    void closingWhileInUseKeepsTheNativeContext() {
        SecureContext context = Tls.createSecureContext(SecureContextOptions.builder()
                .cert(server.chainPem()).key(server.privateKeyPem()).build());
        NativeSecureContext inUse = SecureContexts.nativeOf(context).retain();
        context.close();
        assertTrue(inUse.isAlive());
        inUse.release();
        assertFalse(inUse.isAlive());
    }

    @Test
    void optionsReachTheContext() {
        byte[] keys = new byte[48];
        Arrays.fill(keys, (byte) 3);
        try (SecureContext context = Tls.createSecureContext(SecureContextOptions.builder()
                .cert(server.chainPem()).key(server.privateKeyPem())
                .minVersion("TLSv1.3").honorCipherOrder(true).ticketKeys(keys).build())) {
            NativeSecureContext n = SecureContexts.nativeOf(context);
            assertEquals(Constants.TLS1_3_VERSION, n.minProtoVersion());
            assertTrue((n.options() & Constants.SSL_OP_CIPHER_SERVER_PREFERENCE) != 0);
            assertArrayEquals(keys, n.ticketKeys());
            assertArrayEquals(server.certificateDer(), n.certificate());
        }
    }

    @Test
    void errorsCarryNodesCodes() {
        SecureContextOptions mismatch = SecureContextOptions.builder().cert(server.chainPem())
                .key(HeldCertificate.builder().build().privateKeyPem()).build();
        OpenSslException e = assertThrows(OpenSslException.class, () -> Tls.createSecureContext(mismatch));
        assertEquals("ERR_OSSL_X509_KEY_VALUES_MISMATCH", e.code());
        assertEquals("key values mismatch", e.reason());
        assertEquals("x509 certificate routines", e.library());

        TlsArgumentException v = assertThrows(TlsArgumentException.class, () -> Tls.createSecureContext(
                SecureContextOptions.builder().minVersion("TLSv1.4").build()));
        assertEquals("ERR_TLS_INVALID_PROTOCOL_VERSION", v.code());
        assertEquals("\"TLSv1.4\" is not a valid minimum TLS protocol version", v.getMessage());
    }

    // ---- the options record and its builder ----

    @Test
    void pathOverloadsReadTheFiles() throws Exception {
        Path cert = Files.writeString(dir.resolve("cert.pem"), server.chainPem());
        Path key = Files.writeString(dir.resolve("key.pem"), server.privateKeyPem());
        Path pfx = Files.write(dir.resolve("server.p12"), server.pkcs12("pw"));
        SecureContextOptions fromFiles = SecureContextOptions.builder().cert(cert).key(key).build();
        SecureContextOptions fromText = SecureContextOptions.builder().cert(server.chainPem()).key(server.privateKeyPem()).build();
        assertEquals(fromText, fromFiles);
        assertEquals(fromText.hashCode(), fromFiles.hashCode());
        try (SecureContext c = Tls.createSecureContext(SecureContextOptions.builder().pfx(pfx).passphrase("pw").build())) {
            assertArrayEquals(server.certificateDer(), SecureContexts.nativeOf(c).certificate());
        }
        TlsException missing = assertThrows(TlsException.class,
                () -> SecureContextOptions.builder().ca(dir.resolve("missing.pem")));
        assertEquals("ENOENT", missing.code(), "Node's fs error code");
        assertEquals("ENOENT: no such file or directory, open '" + dir.resolve("missing.pem") + "'; options.ca",
                missing.getMessage());
    }

    @Test
    void optionsAreImmutableCopies() {
        byte[] pem = server.certificatePem().getBytes(StandardCharsets.US_ASCII);
        byte[] keys = new byte[48];
        SecureContextOptions o = SecureContextOptions.builder().ca(pem).ticketKeys(keys).build();
        pem[0] = 'X';
        keys[0] = 9;
        assertEquals('-', o.ca().getFirst()[0]);
        assertEquals(0, o.ticketKeys()[0]);
        o.ca().getFirst()[0] = 'Y';
        assertEquals('-', o.ca().getFirst()[0], "accessors hand out copies");
        assertThrows(UnsupportedOperationException.class, () -> o.ca().clear());
    }

    @Test
    void builderConventions() {
        SecureContextOptions empty = SecureContextOptions.builder().cert("").key("").ca((String) null).build();
        assertNull(empty.cert(), "an empty value is absent, as Node skips falsy values");
        assertNull(empty.key());
        assertNull(empty.ca());
        assertEquals(List.of(), SecureContextOptions.builder().ca(List.of()).build().ca(), "an empty list is not absent");

        SecureContextOptions several = SecureContextOptions.builder().addCa("a").addCa("b".getBytes())
                .addKey("k1").addKey("k2", "pw").addCert("c1").build();
        assertEquals(2, several.ca().size());
        assertEquals(new SecureContextOptions.KeyPem("k2", "pw"), several.key().get(1));

        TlsArgumentException e = assertThrows(TlsArgumentException.class,
                () -> SecureContextOptions.builder().ca(Arrays.asList("x", null)));
        assertEquals("ERR_INVALID_ARG_TYPE", e.code());
        assertEquals("The \"options.ca\" property must be of type string or an instance of Buffer, TypedArray,"
                + " or DataView. Received null", e.getMessage());

        SecureContextOptions o = SecureContextOptions.builder().cert(server.chainPem()).passphrase("secret")
                .ciphers("HIGH").ticketKeys(new byte[48]).sessionTimeout(60).build();
        assertEquals(o, o.toBuilder().build());
        assertNotEquals(o, o.toBuilder().ciphers("DEFAULT").build());
        assertFalse(o.toString().contains("secret"), o.toString());
        assertTrue(o.toString().contains("ciphers=HIGH"), o.toString());
    }

    @Test
    void keyPemAndPfxCompareByContent() {
        assertEquals(new SecureContextOptions.KeyPem("k", null), new SecureContextOptions.KeyPem("k".getBytes(), null));
        assertEquals(new SecureContextOptions.Pfx(new byte[] {1, 2}, "p"), new SecureContextOptions.Pfx(new byte[] {1, 2}, "p"));
        assertFalse(new SecureContextOptions.KeyPem("k", "secret").toString().contains("secret"));
    }

    @Test
    void sessionTimeoutBounds() {
        try (SecureContext c = Tls.createSecureContext(SecureContextOptions.builder().sessionTimeout(Integer.MAX_VALUE).build())) {
            assertFalse(c.isClosed());
        }
        TlsRangeException e = assertThrows(TlsRangeException.class, () -> Tls.createSecureContext(
                SecureContextOptions.builder().sessionTimeout(-5).build()));
        assertEquals("ERR_OUT_OF_RANGE", e.code());
        assertEquals("The value of \"options.sessionTimeout\" is out of range. It must be >= 0 && <= 2147483647."
                + " Received -5", e.getMessage());
    }
}
