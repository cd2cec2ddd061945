package io.jtls;

import io.jtls.x509.Certificate;

/**
 * Node's {@code checkServerIdentity(hostname, cert)} connect option: decides whether the
 * server's certificate was issued to the host the client meant. The default is
 * {@link Tls#checkServerIdentity(String, Certificate)}, which fits as a method reference.
 *
 * <p>Called on the connection's loop thread after the certificate chain verified, and only for
 * full handshakes (not for resumed sessions), with {@code cert} the detailed peer certificate.
 * Return null to accept (Node's {@code undefined}); a returned error fails the connection with
 * it when {@code rejectUnauthorized} is true, and otherwise becomes
 * {@code authorizationError}.
 */
@FunctionalInterface
public interface ServerIdentityCheck {
    /**
     * The check.
     *
     * @param hostname the host name
     * @param cert the certificate chain
     * @return the check
     */
    Exception check(String hostname, Certificate cert);
}
