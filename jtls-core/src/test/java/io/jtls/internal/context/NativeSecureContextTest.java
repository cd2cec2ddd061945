package io.jtls.internal.context;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.context.Constants;
import io.jtls.context.SecureContextOptions;
import io.jtls.error.TlsArgumentException;
import io.jtls.error.TlsException;
import io.jtls.internal.openssl.NativeHandle;
import io.jtls.internal.openssl.NativeKind;
import io.jtls.internal.openssl.SslCtxCalls;
import io.jtls.internal.openssl.StackCalls;
import io.jtls.internal.openssl.Types;
import io.jtls.internal.openssl.X509StoreCalls;
import io.jtls.pki.CertificateRevocationList;
import io.jtls.pki.HeldCertificate;
import io.jtls.support.ExternalProcess;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each option read back from the {@code SSL_CTX} it configured, and proved in a real handshake
 * between two contexts where reading back is not enough (DHE, curves, ticket keys, cipher
 * order, several identities on one context). Native object counts return to their start.
 */
class NativeSecureContextTest {
    static HeldCertificate root;
    static HeldCertificate inter;
    static HeldCertificate rsa;
    static HeldCertificate ec;
    static byte[] dh2048;

    @TempDir
    static Path dir;

    private long liveAtStart;

    @BeforeAll
    static void material() throws Exception {
        root = HeldCertificate.builder().commonName("Context Root").certificateAuthority(1).build();
        inter = HeldCertificate.builder().commonName("Context Inter").certificateAuthority(0).signedBy(root).build();
        rsa = HeldCertificate.builder().commonName("localhost").addSubjectAltName("localhost").rsa(2048)
                .signedBy(inter).build();
        ec = HeldCertificate.builder().commonName("localhost").addSubjectAltName("localhost").ec("prime256v1")
                .signedBy(root).build();
        ExternalProcess.Result r = ExternalProcess.run(dir, Duration.ofSeconds(60), List.of("openssl", "genpkey",
                "-genparam", "-algorithm", "DH", "-pkeyopt", "group:ffdhe2048", "-out", "dh.pem"));
        assertEquals(0, r.exitCode(), r.output());
        dh2048 = Files.readAllBytes(dir.resolve("dh.pem"));
        TrustStore.rootStore(); // the process-wide roots exist before the counts are taken
        CipherList.supportedCiphers();
    }

    @BeforeEach
    void count() {
        liveAtStart = NativeKind.liveTotal();
    }

    @AfterEach
    void nothingLeaks() {
        assertEquals(liveAtStart, NativeKind.liveTotal(), NativeKind.liveSummary());
    }

    private static SecureContextOptions.Builder options() {
        return SecureContextOptions.builder();
    }

    private static SecureContextOptions.Builder rsaServer() {
        return options().cert(rsa.chainPem()).key(rsa.privateKeyPem());
    }

    // ---- Node's Init defaults ----

    @Test
    void initAppliesNodesDefaults() {
        try (NativeSecureContext ctx = NativeSecureContext.create(null)) {
            long options = ctx.options();
            assertTrue((options & Constants.SSL_OP_NO_SSLv3) != 0);
            assertTrue((options & Constants.SSL_OP_ALLOW_CLIENT_RENEGOTIATION) != 0);
            assertTrue((options & Constants.SSL_OP_NO_COMPRESSION) != 0, "OpenSSL 3's default stays");
            assertEquals(0, options & Constants.SSL_OP_CIPHER_SERVER_PREFERENCE);
            long mode = SslCtxCalls.SSL_CTX_get_mode(ctx.sslCtx());
            assertTrue((mode & SslCtxCalls.SSL_MODE_RELEASE_BUFFERS) != 0);
            assertEquals(0, mode & SslCtxCalls.SSL_MODE_NO_AUTO_CHAIN);
            assertEquals(SslCtxCalls.SSL_SESS_CACHE_CLIENT | SslCtxCalls.SSL_SESS_CACHE_SERVER
                            | SslCtxCalls.SSL_SESS_CACHE_NO_INTERNAL | SslCtxCalls.SSL_SESS_CACHE_NO_AUTO_CLEAR,
                    SslCtxCalls.SSL_CTX_get_session_cache_mode(ctx.sslCtx()));
            assertEquals(Constants.TLS1_2_VERSION, ctx.minProtoVersion());
            assertEquals(Constants.TLS1_3_VERSION, ctx.maxProtoVersion());
            assertEquals(7200, SslCtxCalls.SSL_CTX_get_timeout(ctx.sslCtx()), "OpenSSL's default");
            assertEquals(48, ctx.ticketKeys().length);
            assertTrue(TrustStore.sharesRootStore(ctx.sslCtx()), "no ca: the shared default roots");
            assertNull(ctx.certificate());
        }
    }

    @Test
    void defaultCipherListIsNodes() {
        try (NativeSecureContext ctx = NativeSecureContext.create(null)) {
            List<String> names = ctx.cipherNames();
            assertEquals(List.of("TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256",
                    "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256"), names.subList(0, 5));
            assertFalse(names.stream().anyMatch(n -> n.contains("CAMELLIA") || n.contains("PSK") || n.contains("SRP")));
        }
    }

    // ---- lifetime ----

    @Test
    void closeWhileRetainedKeepsTheContextUntilTheLastRelease() {
        NativeSecureContext ctx = NativeSecureContext.create(null);
        long liveContexts = NativeKind.SSL_CTX.live();
        ctx.retain();
        assertEquals(2, ctx.referenceCount());
        ctx.close();
        ctx.close(); // idempotent
        assertFalse(ctx.isOpen());
        assertTrue(ctx.isAlive());
        assertNotNull(ctx.sslCtx(), "a connection holding a reference may still use it");
        assertThrows(IllegalStateException.class, ctx::retain, "a closed context takes no new users");
        assertEquals(liveContexts, NativeKind.SSL_CTX.live());
        ctx.release();
        assertFalse(ctx.isAlive());
        assertEquals(liveContexts - 1, NativeKind.SSL_CTX.live());
        assertThrows(IllegalStateException.class, ctx::sslCtx);
        assertThrows(IllegalStateException.class, ctx::release);
    }

    @Test
    void connectionOutlivesTheOwnersClose() {
        NativeSecureContext server = NativeSecureContext.create(rsaServer().build());
        NativeSecureContext client = NativeSecureContext.create(options().build());
        try (MemoryHandshake hs = new MemoryHandshake(client, server)) {
            server.close();
            client.close();
            assertTrue(hs.run(), String.valueOf(hs.serverError));
            assertEquals("TLSv1.3", hs.version());
        }
        assertFalse(server.isAlive());
        assertFalse(client.isAlive());
    }

    // ---- ca, cert, key, pfx ----

    @Test
    void caCertificatesGoToTheStoreAndTheClientCaList() {
        String twoCas = root.certificatePem() + inter.certificatePem();
        try (NativeSecureContext ctx = NativeSecureContext.create(options().ca(twoCas).build())) {
            assertFalse(TrustStore.sharesRootStore(ctx.sslCtx()));
            assertEquals(2, storeObjects(ctx, X509StoreCalls.X509_LU_X509));
            assertEquals(2, StackCalls.OPENSSL_sk_num(SslCtxCalls.SSL_CTX_get_client_CA_list(ctx.sslCtx())));
        }
        try (NativeSecureContext ctx = NativeSecureContext.create(options().ca(List.<String>of()).build())) {
            assertEquals(0, storeObjects(ctx, X509StoreCalls.X509_LU_X509), "an empty ca list trusts nothing");
        }
    }

    @Test
    void certificateChainKeyAndIssuer() {
        try (NativeSecureContext ctx = NativeSecureContext.create(rsaServer().build())) {
            assertArrayEquals(rsa.certificateDer(), ctx.certificate());
            assertArrayEquals(inter.certificateDer(), ctx.issuer(), "issuer found in the chain");
            assertEquals(1, chainLength(ctx));
            assertEquals(1, SslCtxCalls.SSL_CTX_check_private_key(ctx.sslCtx()));
        }
        // The EC leaf is signed by the root: its issuer comes from the trust store (ca before cert).
        try (NativeSecureContext ctx = NativeSecureContext.create(options().ca(root.certificatePem())
                .cert(ec.certificatePem()).key(ec.privateKeyPem()).build())) {
            assertArrayEquals(root.certificateDer(), ctx.issuer(), "issuer found in the store");
        }
        try (NativeSecureContext ctx = NativeSecureContext.create(options().ca(List.<String>of())
                .cert(ec.certificatePem()).key(ec.privateKeyPem()).build())) {
            assertNull(ctx.issuer());
        }
    }

    @Test
    void rsaAndEcIdentitiesOnOneContext() {
        SecureContextOptions both = options().cert(List.of(rsa.chainPem(), ec.certificatePem()))
                .key(List.of(new SecureContextOptions.KeyPem(ec.privateKeyPkcs1Pem(), null),
                        new SecureContextOptions.KeyPem(rsa.encryptedPrivateKeyPem("pw"), "pw")))
                .build();
        try (NativeSecureContext server = NativeSecureContext.create(both)) {
            List<byte[]> certs = slotCertificates(server);
            assertEquals(2, certs.size());
            try (NativeSecureContext ecdsaOnly = NativeSecureContext.create(options().maxVersion("TLSv1.2")
                    .ciphers("ECDHE-ECDSA-AES128-GCM-SHA256").build());
                 MemoryHandshake hs = new MemoryHandshake(ecdsaOnly, server)) {
                assertTrue(hs.run(), String.valueOf(hs.serverError));
                assertEquals("ECDHE-ECDSA-AES128-GCM-SHA256", hs.cipher());
            }
            try (NativeSecureContext rsaOnly = NativeSecureContext.create(options().maxVersion("TLSv1.2")
                    .ciphers("ECDHE-RSA-AES128-GCM-SHA256").build());
                 MemoryHandshake hs = new MemoryHandshake(rsaOnly, server)) {
                assertTrue(hs.run(), String.valueOf(hs.serverError));
                assertEquals("ECDHE-RSA-AES128-GCM-SHA256", hs.cipher());
            }
        }
    }

    @Test
    void pfxSetsIdentityAndTrustsItsChain() {
        SecureContextOptions o = options().pfx(rsa.pkcs12("secret"), "secret").build();
        try (NativeSecureContext ctx = NativeSecureContext.create(o)) {
            assertArrayEquals(rsa.certificateDer(), ctx.certificate());
            assertArrayEquals(inter.certificateDer(), ctx.issuer());
            assertEquals(1, SslCtxCalls.SSL_CTX_check_private_key(ctx.sslCtx()));
            assertFalse(TrustStore.sharesRootStore(ctx.sslCtx()), "adding the PFX CAs copied the default roots");
            assertEquals(1, StackCalls.OPENSSL_sk_num(SslCtxCalls.SSL_CTX_get_client_CA_list(ctx.sslCtx())));
        }
        TlsException e = assertThrows(TlsException.class, () -> NativeSecureContext.create(
                options().pfx(rsa.pkcs12("secret"), "wrong").build()));
        assertEquals("ERR_OSSL_PKCS12_MAC_VERIFY_FAILURE", e.code());
        assertEquals("mac verify failure; options.pfx: wrong passphrase for the PKCS#12 file (or it is damaged)",
                e.getMessage(), "Node's message, then the option jtls names");
    }

    // ---- ciphers, versions, options ----

    @Test
    void cipherStringIsSplitBetweenTls12AndTls13() {
        try (NativeSecureContext ctx = NativeSecureContext.create(options()
                .ciphers("TLS_CHACHA20_POLY1305_SHA256:ECDHE-RSA-AES256-GCM-SHA384").build())) {
            assertEquals(List.of("TLS_CHACHA20_POLY1305_SHA256", "ECDHE-RSA-AES256-GCM-SHA384"), ctx.cipherNames());
        }
        try (NativeSecureContext ctx = NativeSecureContext.create(options().ciphers("ECDHE-RSA-AES256-GCM-SHA384").build())) {
            assertEquals(List.of("TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256",
                    "ECDHE-RSA-AES256-GCM-SHA384"), ctx.cipherNames(), "OpenSSL's TLS 1.3 suites stay");
        }
        try (NativeSecureContext ctx = NativeSecureContext.create(options().ciphers("TLS_AES_128_GCM_SHA256").build())) {
            assertEquals(List.of("TLS_AES_128_GCM_SHA256"), ctx.cipherNames());
            assertEquals(Constants.TLS1_3_VERSION, ctx.minProtoVersion(), "only TLS 1.3 suites: TLS 1.3 only");
        }
    }

    @Test
    void honorCipherOrderMakesTheServersOrderWin() {
        String serverOrder = "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256";
        String clientOrder = "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384";
        for (boolean honor : new boolean[] {false, true}) {
            try (NativeSecureContext server = NativeSecureContext.create(rsaServer().ciphers(serverOrder)
                    .honorCipherOrder(honor).build());
                 NativeSecureContext client = NativeSecureContext.create(options().maxVersion("TLSv1.2")
                         .ciphers(clientOrder).build());
                 MemoryHandshake hs = new MemoryHandshake(client, server)) {
                assertEquals(honor, (server.options() & Constants.SSL_OP_CIPHER_SERVER_PREFERENCE) != 0);
                assertTrue(hs.run());
                assertEquals(honor ? "ECDHE-RSA-AES256-GCM-SHA384" : "ECDHE-RSA-AES128-GCM-SHA256", hs.cipher());
            }
        }
    }

    @Test
    void protocolRangeFromVersionsAndMethods() {
        assertRange(options().minVersion("TLSv1").maxVersion("TLSv1.1"), Constants.TLS1_VERSION, Constants.TLS1_1_VERSION);
        assertRange(options().secureProtocol("TLSv1_2_method"), Constants.TLS1_2_VERSION, Constants.TLS1_2_VERSION);
        assertRange(options().secureProtocol("TLS_method"), 0, Constants.TLS1_3_VERSION);
        assertRange(options().secureProtocol("SSLv23_method"), Constants.TLS1_2_VERSION, Constants.TLS1_2_VERSION);
        assertRange(options().secureProtocol("TLSv1_1_server_method"), Constants.TLS1_1_VERSION, Constants.TLS1_1_VERSION);
    }

    private static void assertRange(SecureContextOptions.Builder b, int min, int max) {
        try (NativeSecureContext ctx = NativeSecureContext.create(b.build())) {
            assertEquals(min, ctx.minProtoVersion(), "min");
            assertEquals(max, ctx.maxProtoVersion(), "max");
        }
    }

    @Test
    void minAboveMaxIsAcceptedAndFailsAtHandshakeAsInNode() {
        try (NativeSecureContext server = NativeSecureContext.create(rsaServer().build());
             NativeSecureContext client = NativeSecureContext.create(options().minVersion("TLSv1.3")
                     .maxVersion("TLSv1.2").build());
             MemoryHandshake hs = new MemoryHandshake(client, server)) {
            assertFalse(hs.run());
            assertEquals("ERR_SSL_NO_PROTOCOLS_AVAILABLE", hs.clientError.code());
        }
    }

    @Test
    void secureOptionsAreAdded() {
        try (NativeSecureContext ctx = NativeSecureContext.create(options()
                .secureOptions(Constants.SSL_OP_NO_TICKET | Constants.SSL_OP_NO_RENEGOTIATION).build())) {
            assertEquals(Constants.SSL_OP_NO_TICKET | Constants.SSL_OP_NO_RENEGOTIATION,
                    ctx.options() & (Constants.SSL_OP_NO_TICKET | Constants.SSL_OP_NO_RENEGOTIATION));
            assertTrue((ctx.options() & Constants.SSL_OP_NO_SSLv3) != 0, "defaults kept");
        }
    }

    // ---- dhparam, ecdhCurve, sigalgs ----

    @Test
    void dhparamTurnsOnDhe() {
        SecureContextOptions dheClient = options().maxVersion("TLSv1.2").ciphers("DHE-RSA-AES128-GCM-SHA256").build();
        try (NativeSecureContext server = NativeSecureContext.create(rsaServer().build());
             NativeSecureContext client = NativeSecureContext.create(dheClient);
             MemoryHandshake hs = new MemoryHandshake(client, server)) {
            assertFalse(hs.run(), "no dhparam: no DHE");
            assertEquals("ERR_SSL_NO_SHARED_CIPHER", hs.serverError.code());
        }
        for (byte[] dhparam : List.of(dh2048, "auto".getBytes())) {
            try (NativeSecureContext server = NativeSecureContext.create(rsaServer().dhparam(dhparam).build());
                 NativeSecureContext client = NativeSecureContext.create(dheClient);
                 MemoryHandshake hs = new MemoryHandshake(client, server)) {
                assertTrue(hs.run(), String.valueOf(hs.serverError));
                assertEquals("DHE-RSA-AES128-GCM-SHA256", hs.cipher());
            }
        }
    }

    @Test
    void ecdhCurveLimitsTheGroups() {
        try (NativeSecureContext server = NativeSecureContext.create(rsaServer().ecdhCurve("P-384").build());
             NativeSecureContext client = NativeSecureContext.create(options().ecdhCurve("P-256").build());
             MemoryHandshake hs = new MemoryHandshake(client, server)) {
            assertFalse(hs.run(), "no common group");
            assertNotNull(hs.serverError);
        }
        try (NativeSecureContext server = NativeSecureContext.create(rsaServer().ecdhCurve("P-384:P-256").build());
             NativeSecureContext client = NativeSecureContext.create(options().ecdhCurve("P-256").build());
             MemoryHandshake hs = new MemoryHandshake(client, server)) {
            assertTrue(hs.run(), String.valueOf(hs.serverError));
        }
    }

    @Test
    void sigalgsLimitTheServersSignatures() {
        try (NativeSecureContext server = NativeSecureContext.create(rsaServer().build());
             NativeSecureContext client = NativeSecureContext.create(options().sigalgs("ECDSA+SHA256").build());
             MemoryHandshake hs = new MemoryHandshake(client, server)) {
            assertFalse(hs.run(), "an RSA server cannot sign with ECDSA");
        }
        try (NativeSecureContext server = NativeSecureContext.create(rsaServer().build());
             NativeSecureContext client = NativeSecureContext.create(options().sigalgs("RSA-PSS+SHA256").build());
             MemoryHandshake hs = new MemoryHandshake(client, server)) {
            assertTrue(hs.run(), String.valueOf(hs.serverError));
        }
    }

    // ---- crl, session settings, ticket keys ----

    @Test
    void crlGoesIntoAnOwnStoreWithChecking() {
        String crl = CertificateRevocationList.pem(root, List.of(ec), Instant.now().minusSeconds(60),
                Instant.now().plusSeconds(3600));
        try (NativeSecureContext ctx = NativeSecureContext.create(options().crl(crl).build())) {
            assertFalse(TrustStore.sharesRootStore(ctx.sslCtx()), "the shared roots are not modified");
            assertEquals(1, storeObjects(ctx, X509StoreCalls.X509_LU_CRL));
            long flags = X509StoreCalls.X509_VERIFY_PARAM_get_flags(
                    X509StoreCalls.X509_STORE_get0_param(SslCtxCalls.SSL_CTX_get_cert_store(ctx.sslCtx())));
            long both = X509StoreCalls.X509_V_FLAG_CRL_CHECK | X509StoreCalls.X509_V_FLAG_CRL_CHECK_ALL;
            assertEquals(both, flags & both);
        }
        long rootFlags = X509StoreCalls.X509_VERIFY_PARAM_get_flags(X509StoreCalls.X509_STORE_get0_param(TrustStore.rootStore()));
        assertEquals(0, rootFlags & X509StoreCalls.X509_V_FLAG_CRL_CHECK);
    }

    @Test
    void sessionTimeoutAndIdContext() {
        try (NativeSecureContext ctx = NativeSecureContext.create(options().sessionTimeout(600)
                .sessionIdContext("app-1").build())) {
            assertEquals(600, SslCtxCalls.SSL_CTX_get_timeout(ctx.sslCtx()));
        }
        TlsException e = assertThrows(TlsException.class,
                () -> NativeSecureContext.create(options().sessionIdContext("é".repeat(17)).build()));
        assertEquals("ERR_SSL_SSL_SESSION_ID_CONTEXT_TOO_LONG", e.code(), "34 bytes of UTF-8");
    }

    @Test
    void sharedTicketKeysResumeAcrossContexts() {
        byte[] keys = TicketKeys.random();
        SecureContextOptions server = rsaServer().maxVersion("TLSv1.2").ticketKeys(keys).build();
        try (NativeSecureContext a = NativeSecureContext.create(server);
             NativeSecureContext b = NativeSecureContext.create(server);
             NativeSecureContext other = NativeSecureContext.create(rsaServer().maxVersion("TLSv1.2").build());
             NativeSecureContext client = NativeSecureContext.create(options().build())) {
            assertArrayEquals(keys, a.ticketKeys());
            assertNotEquals(List.of(keys), List.of(other.ticketKeys()));
            NativeHandle session;
            try (MemoryHandshake first = new MemoryHandshake(client, a)) {
                assertTrue(first.run());
                assertFalse(first.reused());
                session = first.session();
            }
            try (session) {
                try (MemoryHandshake again = new MemoryHandshake(client, b)) {
                    again.resume(session);
                    assertTrue(again.run());
                    assertTrue(again.reused(), "same keys: the ticket from a opens on b");
                }
                try (MemoryHandshake elsewhere = new MemoryHandshake(client, other)) {
                    elsewhere.resume(session);
                    assertTrue(elsewhere.run());
                    assertFalse(elsewhere.reused(), "other keys: full handshake");
                }
                other.setTicketKeys(keys);
                try (MemoryHandshake rotated = new MemoryHandshake(client, other)) {
                    rotated.resume(session);
                    assertTrue(rotated.run());
                    assertTrue(rotated.reused(), "setTicketKeys takes effect at once");
                }
            }
        }
    }

    @Test
    void tls13TicketsUseTheKeysToo() {
        byte[] keys = TicketKeys.random();
        SecureContextOptions server = rsaServer().ticketKeys(keys).build();
        try (NativeSecureContext a = NativeSecureContext.create(server);
             NativeSecureContext b = NativeSecureContext.create(server);
             NativeSecureContext client = NativeSecureContext.create(options().build())) {
            NativeHandle session;
            try (MemoryHandshake first = new MemoryHandshake(client, a)) {
                assertTrue(first.run());
                assertEquals("TLSv1.3", first.version());
                session = first.session();
            }
            try (session; MemoryHandshake again = new MemoryHandshake(client, b)) {
                again.resume(session);
                assertTrue(again.run());
                assertTrue(again.reused());
            }
        }
    }

    @Test
    void setTicketKeysChecksTheLength() {
        try (NativeSecureContext ctx = NativeSecureContext.create(null)) {
            TlsArgumentException e = assertThrows(TlsArgumentException.class, () -> ctx.setTicketKeys(new byte[32]));
            assertEquals("ERR_INVALID_ARG_VALUE", e.code());
        }
    }

    // ---- engines ----

    @Test
    void engineErrorsLeaveNothingBehind() {
        // The built-in "dynamic" engine loads nothing by itself: it cannot be initialised.
        TlsException e = assertThrows(TlsException.class,
                () -> NativeSecureContext.create(options().clientCertEngine("dynamic").build()));
        assertEquals("ERR_SSL_ENGINE_LIB", e.code(), e.getMessage());
        e = assertThrows(TlsException.class, () -> NativeSecureContext.create(options()
                .privateKeyEngine("dynamic").privateKeyIdentifier("k").build()));
        assertEquals("ERR_CRYPTO_OPERATION_FAILED", e.code());
        assertEquals("Failure to initialize engine", e.getMessage());
        e = assertThrows(TlsException.class, () -> NativeSecureContext.create(options()
                .clientCertEngine("/nonexistent/jtls-engine.so").build()));
        assertEquals("ERR_OSSL_DSO_COULD_NOT_LOAD_THE_SHARED_LIBRARY", e.code(), e.getMessage());
    }

    // ---- helpers reading the SSL_CTX back ----

    private static int storeObjects(NativeSecureContext ctx, int type) {
        MemorySegment objects = X509StoreCalls.X509_STORE_get0_objects(SslCtxCalls.SSL_CTX_get_cert_store(ctx.sslCtx()));
        int count = 0;
        for (int i = 0; i < StackCalls.OPENSSL_sk_num(objects); i++) {
            if (X509StoreCalls.X509_OBJECT_get_type(StackCalls.OPENSSL_sk_value(objects, i)) == type) {
                count++;
            }
        }
        return count;
    }

    private static int chainLength(NativeSecureContext ctx) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocateFrom(ValueLayout.ADDRESS, MemorySegment.NULL);
            SslCtxCalls.SSL_CTX_get0_chain_certs(ctx.sslCtx(), out);
            MemorySegment stack = out.get(ValueLayout.ADDRESS, 0);
            return Types.isNull(stack) ? 0 : StackCalls.OPENSSL_sk_num(stack);
        }
    }

    /** The certificate of every filled slot (RSA, EC, ...). */
    private static List<byte[]> slotCertificates(NativeSecureContext ctx) {
        List<byte[]> certs = new ArrayList<>();
        long rc = SslCtxCalls.SSL_CTX_set_current_cert(ctx.sslCtx(), SslCtxCalls.SSL_CERT_SET_FIRST);
        while (rc == 1) {
            certs.add(KeyMaterial.der(SslCtxCalls.SSL_CTX_get0_certificate(ctx.sslCtx())));
            rc = SslCtxCalls.SSL_CTX_set_current_cert(ctx.sslCtx(), SslCtxCalls.SSL_CERT_SET_NEXT);
        }
        return certs;
    }
}
