package io.jtls.internal.tls;

import io.jtls.internal.engine.NewSession;
import io.jtls.internal.engine.TlsEngine;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * One connection's part in session resumption: what Node's {@code lib/internal/tls/wrap.js}
 * does in {@code onnewsessionclient}, {@code onnewsession} and {@code loadSession}, and
 * {@code TLSWrap} in C++ with {@code awaiting_new_session_}. Confined to the connection's loop.
 *
 * <h2>Client: {@code 'session'}</h2>
 * Every session OpenSSL creates (one per TLS 1.2 handshake, one per TLS 1.3 ticket, possibly
 * after {@code 'secureConnect'}) is emitted as {@code 'session'}, but not before the server's
 * certificate passed verification: a session that arrives earlier waits, and only the latest one
 * is kept (Node's {@code kPendingSession}); if verification fails it is never emitted. A client
 * made with {@code new TlsSocket} (no verification step) emits after {@code 'secure'}. Sessions
 * are encoded only when someone listens.
 *
 * <h2>Server: {@code 'newSession'} and {@code 'resumeSession'}</h2>
 * Enabled for a connection when its server had listeners for either event when the connection
 * arrived (as Node). {@code 'resumeSession'} is asked at the ClientHello when there is an id to
 * look up; the handshake (and the reader: see {@link Phase#AWAITING_APPLICATION}) waits for its
 * callback. {@code 'newSession'} is emitted for each session OpenSSL would cache; until its
 * {@code done} runs, nothing the engine produced is sent and the handshake is not reported
 * complete (Node holds {@code EncOut}). A second {@code resumeSession} callback destroys the
 * socket with {@code ERR_MULTIPLE_CALLBACK}; {@code callback(err)} destroys it with {@code err};
 * callbacks after the socket was destroyed are ignored; {@code done} is idempotent.
 */
final class SessionFlow {
    private final ConnectionDriver driver;
    private final ConnectionHost host;
    private final ServerHooks server; // null on clients and on server sockets without a server
    private boolean serverCallbacks;
    /** Client: Node's kIsVerified, the 'session' event may be emitted at once. */
    private boolean verified;
    /** Client: Node's kPendingSession, the latest session that arrived before verification. */
    private byte[] pendingSession;
    /** Server: 'newSession' callbacks not called yet (Node's awaiting_new_session_). */
    private int newSessionsPending;

    SessionFlow(ConnectionDriver driver, ConnectionHost host, ServerHooks server) {
        this.driver = driver;
        this.host = host;
        this.server = server;
    }

    /** Before the handshake: which callbacks the engine needs (Node's {@code enableSessionCallbacks}). */
    void configure(TlsEngine engine, boolean isServer) {
        if (!isServer) {
            engine.enableSessionCallbacks();
        } else if (server != null && server.sessionCallbacks()) {
            serverCallbacks = true;
            engine.enableSessionCallbacks();
        }
    }

    /** Server: true while a {@code 'newSession'} callback is outstanding; the connection holds its output. */
    boolean holdsOutput() {
        return newSessionsPending > 0;
    }

    /** After every engine call: hands out the sessions OpenSSL created during it. */
    void afterEngineCall(TlsEngine engine, boolean isServer) {
        while (engine.hasNewSession()) {
            if (isServer) {
                NewSession session = engine.takeNewSession();
                if (session != null) {
                    emitNewSession(session);
                }
            } else if (!host.wantsSessions()) {
                engine.discardNewSessions(); // nobody listens (Node records only with a listener)
            } else {
                NewSession session = engine.takeNewSession();
                if (session == null) {
                    continue;
                }
                if (verified) {
                    host.emitSession(session.data());
                } else {
                    pendingSession = session.data();
                }
            }
            if (host.destroyed()) {
                return;
            }
        }
    }

    /** Client: the peer is verified; emits the session that waited. */
    void onVerified() {
        verified = true;
        byte[] session = pendingSession;
        pendingSession = null;
        if (session != null && !host.destroyed()) {
            host.emitSession(session);
        }
    }

    private void emitNewSession(NewSession session) {
        if (!serverCallbacks) {
            return;
        }
        newSessionsPending++;
        AtomicBoolean once = new AtomicBoolean();
        Runnable done = () -> {
            if (once.compareAndSet(false, true)) {
                driver.loop().execute(this::onNewSessionDone);
            }
        };
        if (!server.newSession(session.id(), session.data(), done)) {
            done.run();
        }
    }

    private void onNewSessionDone() {
        newSessionsPending--;
        if (newSessionsPending == 0 && !host.destroyed()) {
            driver.afterSessionCallback(); // Node's NewSessionDoneCb: Cycle()
        }
    }

    /**
     * The engine paused at the ClientHello (Node's {@code onclienthello} / {@code loadSession}):
     * asks {@code 'resumeSession'} about the id, or continues at once when there is nothing to ask.
     */
    void onClientHello(TlsEngine engine) {
        byte[] id = engine.sessionLookupId();
        if (id == null || server == null || !server.resumeSessionListened()) {
            driver.resumeHandshake();
            return;
        }
        // Node's onSession(err, session): the session bytes are copied when given, on the caller's thread.
        ApplicationAnswer<byte[]> answer = new ApplicationAnswer<>(driver, (live, data) -> {
            if (data != null) {
                live.loadSession(data); // data that is no session is a miss, as in Node
            }
            driver.resumeHandshake();
        });
        BiConsumer<Throwable, byte[]> callback = (error, data) -> answer.accept(error, data == null ? null : data.clone());
        if (!server.resumeSession(id, callback)) {
            driver.resumeHandshake(); // the listener went away meanwhile
        }
    }
}
