package io.jtls.internal.engine;

import io.jtls.SecureContext;
import io.jtls.Tls;
import io.jtls.context.SecureContextOptions;
import io.jtls.pki.HeldCertificate;
import java.util.ArrayList;
import java.util.List;

/** Secure contexts for the engine tests, made with Node's options from {@link TestPki} certificates. */
final class TestContexts {
    private TestContexts() {}

    static Builder builder() {
        return new Builder();
    }

    static final class Builder {
        private final SecureContextOptions.Builder options = SecureContextOptions.builder();
        private HeldCertificate cert;
        private final List<HeldCertificate> extraChain = new ArrayList<>();
        private final List<String> ca = new ArrayList<>();

        /** This side's certificate with its intermediates, and its key. */
        Builder cert(HeldCertificate held) {
            this.cert = held;
            return this;
        }

        /** More certificates sent after the certificate's own chain (a root, say). */
        Builder extraChain(HeldCertificate... more) {
            extraChain.addAll(List.of(more));
            return this;
        }

        /** Trusted CAs (Node's {@code ca}: replaces the default root store). */
        Builder ca(HeldCertificate... cas) {
            for (HeldCertificate c : cas) {
                ca.add(c.certificatePem());
            }
            return this;
        }

        Builder minVersion(String version) {
            options.minVersion(version);
            return this;
        }

        Builder maxVersion(String version) {
            options.maxVersion(version);
            return this;
        }

        Builder ciphers(String ciphers) {
            options.ciphers(ciphers);
            return this;
        }

        Builder ecdhCurve(String curve) {
            options.ecdhCurve(curve);
            return this;
        }

        Builder dhparamAuto() {
            options.dhparam("auto");
            return this;
        }

        SecureContext build() {
            if (cert != null) {
                StringBuilder chain = new StringBuilder(cert.chainPem());
                extraChain.forEach(c -> chain.append(c.certificatePem()));
                options.cert(chain.toString()).key(cert.privateKeyPem());
            }
            if (!ca.isEmpty()) {
                options.ca(ca);
            }
            return Tls.createSecureContext(options.build());
        }
    }
}
