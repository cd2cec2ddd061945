package io.jtls.internal.engine;

import io.jtls.internal.openssl.Types;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Java strings for C strings that live in libssl's read-only data for the life of the process
 * ({@code SSL_get_version}'s "TLSv1.3", ...): decoded once per address instead of once per
 * handshake. Only for functions documented to return such constants.
 */
final class StaticStrings {
    private static final ConcurrentHashMap<Long, String> BY_ADDRESS = new ConcurrentHashMap<>();

    private StaticStrings() {}

    /** The string at {@code pointer} (null for NULL), decoded the first time its address is seen. */
    static String of(MemorySegment pointer) {
        if (Types.isNull(pointer)) {
            return null;
        }
        String known = BY_ADDRESS.get(pointer.address());
        if (known != null) {
            return known;
        }
        String decoded = Types.cString(pointer);
        BY_ADDRESS.putIfAbsent(pointer.address(), decoded);
        return decoded;
    }
}
