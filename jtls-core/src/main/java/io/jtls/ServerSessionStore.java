package io.jtls;

import io.jtls.session.SessionStore;
import io.jtls.session.SessionStoreListeners;
import java.time.Duration;

/**
 * The {@link TlsServerOptions#sessionStore()} option: Node's {@code 'newSession'} and
 * {@code 'resumeSession'} listeners written over the store ({@link SessionStoreListeners} with
 * its defaults: {@code newSession} waits for the put; a failed or slow get (2 s) is a miss, so
 * the handshake goes on as a full one). Entries live as long as OpenSSL lets the session
 * resume: the server's {@code sessionTimeout}, or OpenSSL's default of 7200 s when it is 0. For
 * other settings install {@link SessionStoreListeners} on the server by hand.
 */
final class ServerSessionStore {
    private ServerSessionStore() {}

    /** OpenSSL's session timeout when {@code SSL_CTX_set_timeout} got 0 ({@code SSL_get_default_timeout}). */
    private static final int OPENSSL_DEFAULT_TIMEOUT = 7200;

    static SessionStoreListeners install(TlsServer server, SessionStore store, Integer sessionTimeout) {
        int seconds = sessionTimeout == null ? TlsServer.DEFAULT_SESSION_TIMEOUT
                : sessionTimeout > 0 ? sessionTimeout : OPENSSL_DEFAULT_TIMEOUT;
        SessionStoreListeners listeners = SessionStoreListeners.builder(store).ttl(Duration.ofSeconds(seconds)).build();
        server.on(TlsServer.NEW_SESSION, listeners::newSession);
        server.on(TlsServer.RESUME_SESSION, (id, callback) -> listeners.resumeSession(id, callback::call));
        return listeners;
    }
}
