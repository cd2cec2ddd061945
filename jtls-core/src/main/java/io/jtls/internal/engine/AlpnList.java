package io.jtls.internal.engine;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * A server's ALPN preference list in wire format, in native memory, made once (per server or
 * per context) and read by every connection's ALPN selection: nothing is encoded or allocated
 * per connection. Immutable and safe to share between loops; the memory is freed when the last
 * holder drops the list.
 */
public final class AlpnList {
    private static final AlpnList EMPTY = new AlpnList(List.of(), MemorySegment.NULL);

    private final List<String> protocols;
    private final MemorySegment wire;

    private AlpnList(List<String> protocols, MemorySegment wire) {
        this.protocols = protocols;
        this.wire = wire;
    }

    /**
     * The list for {@code protocols} (Node's {@code ALPNProtocols}); null or empty selects nothing.
     *
     * @throws io.jtls.error.TlsException for a protocol name Node refuses (empty, over 255 bytes)
     */
    public static AlpnList of(List<String> protocols) {
        if (protocols == null || protocols.isEmpty()) {
            return EMPTY;
        }
        byte[] bytes = Alpn.wireFormat(protocols);
        if (bytes.length == 0) {
            return EMPTY;
        }
        return new AlpnList(List.copyOf(protocols), Arena.ofAuto().allocateFrom(ValueLayout.JAVA_BYTE, bytes));
    }

    /** True when the list selects nothing. */
    public boolean isEmpty() {
        return protocols.isEmpty();
    }

    /** The protocols, in preference order. */
    public List<String> protocols() {
        return protocols;
    }

    /** The wire format (length-prefixed names), for {@code SSL_select_next_proto}; NULL when empty. */
    MemorySegment wire() {
        return wire;
    }

    @Override
    public String toString() {
        return "AlpnList" + protocols;
    }
}
