package io.jtls;

import io.jtls.error.TlsException;

import io.jtls.internal.engine.NewSession;
import io.jtls.internal.engine.TlsEngine;
import io.jtls.net.NetException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One {@link TlsSocket}'s part in session resumption: what Node's {@code lib/internal/tls/wrap.js}
 * does in {@code onnewsessionclient}, {@code onnewsession} and {@code loadSession}, and
 * {@code TLSWrap} in C++ with {@code awaiting_new_session_}. Confined to the socket's loop.
 *
 * <h2>Client: {@code 'session'}</h2>
 * Every session OpenSSL creates (one per TLS 1.2 handshake, one per TLS 1.3 ticket, possibly
 * after {@code 'secureConnect'}) is emitted as {@link TlsSocket#SESSION}, but not before the
 * server's certificate passed verification: a session that arrives earlier waits, and only the
 * latest one is kept (Node's {@code kPendingSession}); if verification fails it is never emitted.
 * A client made with {@code new TlsSocket} (no verification step) emits after {@code 'secure'};
 * Node never emits there. Sessions are encoded only when someone listens.
 *
 * <h2>Server: {@code 'newSession'} and {@code 'resumeSession'}</h2>
 * Enabled for a connection when its server had listeners for either event when the connection
 * arrived (as Node). {@code 'resumeSession'} is asked at the ClientHello when there is an id to
 * look up (see {@code SessionLookup}); the handshake waits for its callback. {@code 'newSession'}
 * is emitted for each session OpenSSL would cache; until its {@code done} runs, nothing the
 * engine produced is sent and the handshake is not reported complete (Node holds
 * {@code EncOut} and delays {@code 'secure'} the same way). Both callbacks may be called later
 * and from any thread; they are run on the loop. Calling a {@code resumeSession} callback twice
 * destroys the socket with {@code ERR_MULTIPLE_CALLBACK}; {@code callback(err)} destroys it with
 * {@code err} (a {@code 'tlsClientError'}); callbacks arriving after the socket was destroyed are
 * ignored; {@code done} is idempotent.
 */
final class SocketSessions {
    private final TlsSocket socket;
    private final TlsServer server;
    private boolean serverCallbacks;
    /** Client: Node's kIsVerified, the 'session' event may be emitted at once. */
    private boolean verified;
    /** Client: Node's kPendingSession, the latest session that arrived before verification. */
    private byte[] pendingSession;
    /** Server: 'newSession' callbacks not called yet (Node's awaiting_new_session_). */
    private int newSessionsPending;

    SocketSessions(TlsSocket socket, TlsServer server) {
        this.socket = socket;
        this.server = server;
    }

    /** Before the handshake: which callbacks the engine needs (Node's {@code enableSessionCallbacks}). */
    void configure(TlsEngine engine, boolean isServer) {
        if (!isServer) {
            engine.enableSessionCallbacks();
            return;
        }
        if (server != null && (server.listenerCount(TlsServer.NEW_SESSION) > 0
                || server.listenerCount(TlsServer.RESUME_SESSION) > 0)) {
            serverCallbacks = true;
            engine.enableSessionCallbacks();
        }
    }

    /** Server: true while a {@code 'newSession'} callback is outstanding; the socket holds its output. */
    boolean holdsOutput() {
        return newSessionsPending > 0;
    }

    /** After every engine call: hands out the sessions OpenSSL created during it. */
    void afterEngineCall(TlsEngine engine) {
        while (engine.hasNewSession()) {
            if (socket.isServer()) {
                NewSession session = engine.takeNewSession();
                if (session != null) {
                    emitNewSession(session);
                }
            } else if (socket.listenerCount(TlsSocket.SESSION) == 0) {
                engine.discardNewSessions(); // nobody listens (Node records only with a listener)
            } else {
                NewSession session = engine.takeNewSession();
                if (session == null) {
                    continue;
                }
                if (verified) {
                    socket.emit(TlsSocket.SESSION, session.data());
                } else {
                    pendingSession = session.data();
                }
            }
            if (socket.destroyed()) {
                return;
            }
        }
    }

    /** Client: the peer is verified (after {@code 'secureConnect'}); emits the session that waited. */
    void onVerified() {
        verified = true;
        byte[] session = pendingSession;
        pendingSession = null;
        if (session != null && !socket.destroyed()) {
            socket.emit(TlsSocket.SESSION, session);
        }
    }

    // ------------------------------------------------------------------ server

    private void emitNewSession(NewSession session) {
        if (!serverCallbacks || server == null) {
            return;
        }
        newSessionsPending++;
        AtomicBoolean once = new AtomicBoolean();
        Runnable done = () -> {
            if (once.compareAndSet(false, true)) {
                socket.loop().execute(this::onNewSessionDone);
            }
        };
        if (!server.emitWith(TlsServer.NEW_SESSION, l -> l.onNewSession(session.id(), session.data(), done))) {
            done.run();
        }
    }

    private void onNewSessionDone() {
        newSessionsPending--;
        if (newSessionsPending == 0 && !socket.destroyed()) {
            socket.afterSessionCallback(); // Node's NewSessionDoneCb: Cycle()
        }
    }

    /**
     * The engine paused at the ClientHello (Node's {@code onclienthello} / {@code loadSession}):
     * asks {@code 'resumeSession'} about the id, or continues at once when there is nothing to ask.
     */
    void onClientHello(TlsEngine engine) {
        byte[] id = engine.sessionLookupId();
        if (id == null || server == null || server.listenerCount(TlsServer.RESUME_SESSION) == 0) {
            socket.resumeHandshake();
            return;
        }
        AtomicInteger calls = new AtomicInteger();
        TlsServer.ResumeSessionCallback callback = (error, data) -> {
            int call = calls.incrementAndGet();
            byte[] copy = data == null ? null : data.clone();
            socket.loop().execute(() -> onSessionFound(call, error, copy));
        };
        if (!server.emitWith(TlsServer.RESUME_SESSION, l -> l.onResumeSession(id, callback))) {
            socket.resumeHandshake(); // the listener went away meanwhile
        }
    }

    /** Node's {@code onSession(err, session)}. */
    private void onSessionFound(int call, Throwable error, byte[] data) {
        if (socket.destroyed()) {
            return; // Node: destroy(ERR_SOCKET_CLOSED) on a destroyed socket, which does nothing
        }
        if (call > 1) {
            socket.fail(new TlsException("ERR_MULTIPLE_CALLBACK", "Callback called multiple times"));
            return;
        }
        if (error != null) {
            socket.fail(error);
            return;
        }
        TlsEngine engine = socket.engineForSessions();
        if (engine == null) {
            socket.fail(new NetException("ERR_SOCKET_CLOSED", "Socket is closed"));
            return;
        }
        if (data != null) {
            engine.loadSession(data); // data that is no session is a miss, as in Node
        }
        socket.resumeHandshake();
    }
}
