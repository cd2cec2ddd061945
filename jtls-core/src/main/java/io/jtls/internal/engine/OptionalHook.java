package io.jtls.internal.engine;

/**
 * The context hooks a connection pays for on every handshake even when nobody uses them (an
 * upcall per session, five per TLS 1.3 key log), so a context gets them only when its owner may
 * need them: a server installs them once a listener or an option asks (and builds a new context
 * then, as Node's listeners also apply to the connections that arrive after they were added).
 */
public enum OptionalHook {
    /** The external session cache's new/get callbacks: Node's 'session', 'newSession', 'resumeSession'. */
    SESSION_CACHE,
    /** The key log callback: Node's 'keylog' and {@code --tls-keylog}. */
    KEY_LOG
}
