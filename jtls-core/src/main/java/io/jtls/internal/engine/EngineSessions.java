package io.jtls.internal.engine;

import io.jtls.context.Constants;
import io.jtls.internal.openssl.NativeHandle;
import io.jtls.internal.openssl.NativeKind;
import io.jtls.internal.openssl.SessionCalls;
import io.jtls.internal.openssl.SslCalls;
import io.jtls.internal.openssl.Types;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * One engine's part in session resumption, what Node's {@code TLSWrap} keeps for it: the
 * sessions OpenSSL created and the application has not taken yet ({@code onnewsession}), the
 * id a server should look up at the ClientHello, and the session the application found for it
 * ({@code next_sess_}, handed to OpenSSL by the get-session callback).
 *
 * <p>Ownership: each recorded session is one {@code SSL_SESSION} reference that OpenSSL
 * up-ref'd for the new session callback and that the callback kept (it returns 1); the next
 * session is the reference {@code d2i_SSL_SESSION} made. Each is freed once: when taken, when
 * OpenSSL takes it ({@code *copy = 0}), or at {@link #close()}. Engine-confined, like the engine.
 */
final class EngineSessions {
    private final ArrayDeque<NativeHandle> created = new ArrayDeque<>();
    private boolean enabled;
    private byte[] lookupId;
    private NativeHandle next;
    /** True for an engine its owner always closes (a socket's): the sessions skip the Cleaner too. */
    private final boolean closedByOwner;

    EngineSessions(boolean closedByOwner) {
        this.closedByOwner = closedByOwner;
    }

    /** Node's {@code enableSessionCallbacks()}: record new sessions, look up ids at the ClientHello. */
    void enable() {
        enabled = true;
    }

    boolean enabled() {
        return enabled;
    }

    // ---- new sessions (both sides) ----

    /**
     * The new session callback: true when the session's reference is kept (then the callback
     * returns 1). A server keeps only sessions that can be looked up by id later: TLS 1.2 and
     * below (OpenSSL reports none when it issues a ticket), and TLS 1.3 with stateful tickets
     * ({@code SSL_OP_NO_TICKET}). A TLS 1.3 stateless ticket carries its session itself; Node
     * still emits {@code 'newSession'} for it (twice per handshake), which would make a store
     * write entries nobody can ask for while the handshake waits.
     */
    boolean onNewSession(MemorySegment ssl, MemorySegment session, boolean server) {
        if (!enabled) {
            return false;
        }
        if (server && SslCalls.SSL_version(ssl) == SslCalls.TLS1_3_VERSION
                && (SslCalls.SSL_get_options(ssl) & Constants.SSL_OP_NO_TICKET) == 0) {
            return false;
        }
        // Freed when taken or at the engine's close; only an engine a user may leak needs the Cleaner.
        created.add(closedByOwner ? NativeHandle.ownAlwaysClosed(NativeKind.SSL_SESSION, session, null)
                : NativeHandle.own(NativeKind.SSL_SESSION, session));
        return true;
    }

    boolean hasNewSession() {
        return !created.isEmpty();
    }

    /** The oldest session not taken yet, encoded (and its reference freed); null when none. */
    NewSession takeNewSession() {
        while (!created.isEmpty()) {
            try (NativeHandle session = created.poll()) {
                byte[] data = SessionCodec.encode(session.get());
                if (data != null) {
                    return new NewSession(id(session.get()), data);
                }
            }
        }
        return null;
    }

    /** Frees the sessions not taken yet, without encoding them (nobody wants them). */
    void discardNewSessions() {
        while (!created.isEmpty()) {
            created.poll().close();
        }
    }

    // ---- server lookups ----

    /** Called in the client hello callback: true when the application should look an id up. */
    boolean onClientHello(MemorySegment ssl) {
        if (!enabled) {
            return false;
        }
        if (lookupId == null) {
            lookupId = SessionLookup.idToLookUp(ssl);
        }
        return lookupId != null;
    }

    /** The id to look up at the ClientHello pause; null when there is none. */
    byte[] lookupId() {
        return lookupId == null ? null : lookupId.clone();
    }

    /**
     * Node's {@code loadSession(session)}: the session the application found, for the get-session
     * callback. Bytes that are no session are ignored (a cache miss), as Node.
     */
    boolean load(byte[] der) {
        closeNext();
        next = der == null ? null : SessionCodec.decode(der);
        return next != null;
    }

    /**
     * The get-session callback ({@code GetSessionCallback}): the loaded session when its id is
     * the one OpenSSL asks for, with our reference handed over ({@code *copy = 0}); NULL (a
     * miss) otherwise.
     */
    MemorySegment onGetSession(MemorySegment id, int length, MemorySegment copy) {
        NativeHandle session = next;
        next = null;
        if (session == null) {
            return MemorySegment.NULL;
        }
        byte[] requested = length <= 0 ? new byte[0] : Types.bytes(id, length);
        if (!Arrays.equals(requested, id(session.get()))) {
            session.close(); // data stored under another id: never resume the wrong session
            return MemorySegment.NULL;
        }
        copy.reinterpret(ValueLayout.JAVA_INT.byteSize()).set(ValueLayout.JAVA_INT, 0, 0);
        return session.release(); // *copy = 0: OpenSSL takes our reference
    }

    /** Frees every reference still held. */
    void close() {
        discardNewSessions();
        closeNext();
        lookupId = null;
    }

    private void closeNext() {
        if (next != null) {
            next.close();
            next = null;
        }
    }

    /** {@code SSL_SESSION_get_id} of a borrowed session. */
    static byte[] id(MemorySegment session) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment length = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment bytes = SessionCalls.SSL_SESSION_get_id(session, length);
            int n = length.get(ValueLayout.JAVA_INT, 0);
            return n <= 0 || Types.isNull(bytes) ? new byte[0] : Types.bytes(bytes, n);
        }
    }
}
