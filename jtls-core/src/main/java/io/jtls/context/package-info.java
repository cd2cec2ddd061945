/**
 * What a secure context is made of: {@link io.jtls.context.SecureContextOptions}, the options
 * of Node's {@code tls.createSecureContext()} (certificates, keys, trust, ciphers, protocol
 * versions, session settings), with a builder that reads PEM, PKCS#12, Java
 * {@link java.security.KeyStore}s and {@link io.jtls.context.PrivateKeyEntry Java keys};
 * and {@link io.jtls.context.Constants}, Node's {@code crypto.constants} subset that the
 * {@code secureOptions} option takes.
 *
 * <p>Options are plain values: checking them, and turning them into an OpenSSL
 * {@code SSL_CTX}, happens in {@link io.jtls.Tls#createSecureContext(SecureContextOptions)},
 * which raises the error Node raises for the same options.
 */
package io.jtls.context;
