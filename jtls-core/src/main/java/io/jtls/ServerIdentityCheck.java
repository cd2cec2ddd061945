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
     * Checks that {@code cert} was issued to {@code hostname}; null when it was, else the error to fail the connection with.
     *
     * @param hostname the host name
     * @param cert the certificate chain
     * @return null to accept, else the error
     */
    Exception check(String hostname, Certificate cert);
}
