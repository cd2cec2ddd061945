package io.jtls.internal.engine;

/**
 * A session OpenSSL created on a connection (its new session callback): on a client, what
 * Node's {@code 'session'} event carries; on a server, what {@code 'newSession'} carries.
 *
 * @param id   the session id ({@code SSL_SESSION_get_id}): on a TLS 1.2 server what a client
 *             resumes with; on a TLS 1.3 server with stateful tickets the ticket's identity;
 *             on a client the SHA-256 of the ticket when there is one
 * @param data the session in OpenSSL's DER form ({@code i2d_SSL_SESSION})
 */
public record NewSession(byte[] id, byte[] data) {
    public NewSession {
        id = id.clone();
        data = data.clone();
    }

    @Override
    public byte[] id() {
        return id.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }
}
