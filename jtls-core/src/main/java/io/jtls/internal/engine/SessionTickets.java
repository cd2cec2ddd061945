package io.jtls.internal.engine;

import io.jtls.internal.openssl.SessionCalls;
import io.jtls.internal.openssl.Types;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** The ticket inside a session, for Node's {@code getTLSTicket()}. */
final class SessionTickets {
    private SessionTickets() {}

    /** {@code SSL_SESSION_get0_ticket} of a borrowed session, copied; null when NULL or none. */
    static byte[] ticket(MemorySegment session) {
        if (Types.isNull(session)) {
            return null;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ticket = arena.allocate(ValueLayout.ADDRESS);
            MemorySegment length = arena.allocate(ValueLayout.JAVA_LONG);
            SessionCalls.SSL_SESSION_get0_ticket(session, ticket, length);
            MemorySegment bytes = ticket.get(ValueLayout.ADDRESS, 0);
            long n = length.get(ValueLayout.JAVA_LONG, 0);
            return Types.isNull(bytes) || n <= 0 ? null : Types.bytes(bytes, n);
        }
    }
}
