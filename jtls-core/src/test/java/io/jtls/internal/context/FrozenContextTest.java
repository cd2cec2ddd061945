package io.jtls.internal.context;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.context.SecureContextOptions;
import io.jtls.pki.HeldCertificate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * An {@code SSL_CTX} is configured while it is built and never again: OpenSSL does not lock a
 * context against concurrent configuration, and a server's loops share one. Two halves prove it:
 * only the build may obtain a configurable pointer ({@code configurable()}, refused once frozen),
 * and no source file outside the build calls an {@code SSL_CTX} setter at all. (The socket-level
 * half, a context unchanged by real connections, is {@code io.jtls.FrozenContextConnectionTest}.)
 */
class FrozenContextTest {
    private static final HeldCertificate CERT = HeldCertificate.builder().commonName("frozen.test")
            .addSubjectAltName("frozen.test").build();

    @Test
    void aBuiltContextIsFrozenAndRefusesConfiguration() {
        try (NativeSecureContext context = NativeSecureContext.create(SecureContextOptions.builder()
                .cert(CERT.certificatePem()).key(CERT.privateKeyPem()).build())) {
            assertTrue(context.isFrozen());
            IllegalStateException e = assertThrows(IllegalStateException.class, context::configurable);
            assertTrue(e.getMessage().contains("frozen"), e.getMessage());
            assertEquals(1, context.sniMaterial().identities().size(), "one certificate slot captured for SNI");
        }
    }

    @Test
    void aContextWithTwoKeyTypesOffersBothToSni() {
        HeldCertificate ec = HeldCertificate.builder().commonName("two.test").ec("prime256v1").build();
        HeldCertificate rsa = HeldCertificate.builder().commonName("two.test").rsa(2048).build();
        try (NativeSecureContext context = NativeSecureContext.create(SecureContextOptions.builder()
                .cert(List.of(ec.certificatePem(), rsa.certificatePem()))
                .addKey(ec.privateKeyPem()).addKey(rsa.privateKeyPem()).build())) {
            assertEquals(2, context.sniMaterial().identities().size());
        }
    }

    /** SSL_CTX calls that change a context (macros included, as the binding names them). */
    private static final Pattern MUTATOR = Pattern.compile(
            "\\bSSL_CTX_(set|clear|use|add|sess_set|ctrl|callback_ctrl|build|select|load|enable|disable|free|up_ref)\\w*\\(");

    /** The build: every class that configures an SSL_CTX, each reached only from SecureContextBuilder. */
    private static final Set<String> BUILD = Set.of(
            "internal/context/SecureContextBuilder.java", "internal/context/KeyMaterial.java",
            "internal/context/TrustStore.java", "internal/context/CipherList.java",
            "internal/context/Engines.java", "internal/context/TicketKeys.java",
            "internal/context/CertificateChains.java", "internal/context/ContextCertificates.java",
            "internal/engine/ContextHooks.java");

    @Test
    void onlyTheBuildCallsSslCtxSetters() throws IOException {
        Path root = Path.of("src/main/java/io/jtls");
        List<String> offenders = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String relative = root.relativize(file).toString().replace('\\', '/');
                if (relative.startsWith("internal/openssl/") || BUILD.contains(relative)) {
                    continue; // the binding defines them; the build uses them
                }
                String code = withoutComments(Files.readString(file));
                Matcher m = MUTATOR.matcher(code);
                while (m.find()) {
                    offenders.add(relative + ": " + m.group());
                }
            }
        }
        assertTrue(offenders.isEmpty(), "SSL_CTX configured outside the build: " + offenders);
        assertFalse(BUILD.isEmpty());
    }

    private static String withoutComments(String source) {
        return source.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\\n]*", "");
    }
}
