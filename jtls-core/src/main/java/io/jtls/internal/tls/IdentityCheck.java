package io.jtls.internal.tls;

import io.jtls.x509.Certificate;

/**
 * A client's {@code checkServerIdentity} seen from below: null when {@code cert} (the detailed
 * peer certificate) is acceptable for {@code hostname}, else the error that rejects it.
 */
@FunctionalInterface
public interface IdentityCheck {
    Exception check(String hostname, Certificate cert);
}
