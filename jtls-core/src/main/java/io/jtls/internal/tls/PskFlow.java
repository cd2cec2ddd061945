package io.jtls.internal.tls;

import io.jtls.error.TlsException;
import io.jtls.internal.engine.Psk;
import io.jtls.internal.engine.TlsEngine;
import java.nio.charset.StandardCharsets;

/**
 * One connection's {@code pskCallback}: Node's {@code onPskServerCallback} and
 * {@code onPskClientCallback} ({@code lib/internal/tls/wrap.js}). The application's callback
 * runs inside OpenSSL's PSK callback (the one exception to jtls's rule, see {@link Psk}); what
 * it returns is checked here with Node's errors, and an exception it throws (or a checked
 * answer that is wrong) is kept, the key refused, and the connection destroyed with that error
 * once OpenSSL returns ({@link ConnectionDriver}): Node's {@code owner.destroy(err)}, without
 * emitting events from inside OpenSSL. Loop thread only.
 */
public final class PskFlow {
    /** A server's {@code pskCallback(socket, identity)}, with the socket bound: the key, or null for an unknown identity. */
    @FunctionalInterface
    public interface ServerKeys {
        byte[] key(String identity);
    }

    /** A client's {@code pskCallback(hint)}: identity and key, or null to offer none. */
    @FunctionalInterface
    public interface ClientKeys {
        Psk.Credentials credentials(String hint);
    }

    private final ServerKeys serverKeys;
    private final String identityHint;
    private final ClientKeys clientKeys;
    /** What the callback threw (or Node's error for its answer), reported after OpenSSL returns. */
    private Throwable error;

    private PskFlow(ServerKeys serverKeys, String identityHint, ClientKeys clientKeys) {
        this.serverKeys = serverKeys;
        this.identityHint = identityHint;
        this.clientKeys = clientKeys;
    }

    /** A server's PSK: {@code keys} per identity, {@code identityHint} (or null) for TLS 1.2 clients. */
    public static PskFlow server(ServerKeys keys, String identityHint) {
        return new PskFlow(java.util.Objects.requireNonNull(keys, "keys"), identityHint, null);
    }

    /** A client's PSK. */
    public static PskFlow client(ClientKeys keys) {
        return new PskFlow(null, null, java.util.Objects.requireNonNull(keys, "keys"));
    }

    /**
     * Node's {@code pskIdentityHint} check: OpenSSL refuses a hint longer than an identity may
     * be. Node reports it per connection (a {@code 'tlsClientError'}); jtls when the server is made.
     */
    public static void checkIdentityHint(String hint) {
        if (hint != null && hint.getBytes(StandardCharsets.UTF_8).length > io.jtls.internal.openssl.PskCalls.PSK_MAX_IDENTITY_LEN) {
            throw new TlsException("ERR_TLS_PSK_SET_IDENTIY_HINT_FAILED", "Failed to set PSK identity hint");
        }
    }

    void configure(TlsEngine engine) {
        if (serverKeys != null) {
            engine.setPskServer(this::serverKey, identityHint);
        } else {
            engine.setPskClient(this::clientCredentials);
        }
    }

    /** The error to destroy the connection with, once; null when the callback did not fail. */
    Throwable takeError() {
        Throwable e = error;
        error = null;
        return e;
    }

    private byte[] serverKey(String identity, int maxKeyLength) {
        try {
            byte[] key = serverKeys.key(identity);
            if (key != null && key.length > maxKeyLength) {
                throw tooLong("psk", "Pre-shared key exceeds " + maxKeyLength + " bytes", key.length + " bytes");
            }
            return key;
        } catch (RuntimeException e) {
            keep(e);
            return null;
        }
    }

    private Psk.Credentials clientCredentials(String hint, int maxKeyLength, int maxIdentityLength) {
        try {
            Psk.Credentials credentials = clientKeys.credentials(hint);
            if (credentials == null) {
                return null;
            }
            int keyLength = credentials.key().length;
            if (keyLength > maxKeyLength) {
                throw tooLong("psk", "Pre-shared key exceeds " + maxKeyLength + " bytes", keyLength + " bytes");
            }
            if (credentials.identity().getBytes(StandardCharsets.UTF_8).length > maxIdentityLength) {
                throw tooLong("identity", "PSK identity exceeds " + maxIdentityLength + " bytes",
                        "'" + credentials.identity() + "'");
            }
            return credentials;
        } catch (RuntimeException e) {
            keep(e);
            return null;
        }
    }

    private void keep(RuntimeException e) {
        if (error == null) {
            error = e;
        }
    }

    /** Node's {@code ERR_INVALID_ARG_VALUE}; a key is described by its length, never printed (Node prints the buffer). */
    private static TlsException tooLong(String name, String reason, String received) {
        return new TlsException("ERR_INVALID_ARG_VALUE", "The argument '" + name + "' " + reason + ". Received " + received);
    }
}
