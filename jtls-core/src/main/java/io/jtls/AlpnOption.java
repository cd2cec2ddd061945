package io.jtls;

import io.jtls.error.TlsArgumentException;
import io.jtls.internal.engine.Alpn;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Node's {@code ALPNProtocols} option in its two shapes (Node's {@code convertALPNProtocols}):
 * a list of names, or one buffer in the wire format ({@code [len][name][len][name]...}).
 * Options records keep the list; this turns either form into it.
 */
final class AlpnOption {
    private AlpnOption() {}

    /** The names, checked as Node checks them (1 to 255 bytes each); null stays null. */
    static List<String> of(List<String> protocols) {
        if (protocols == null) {
            return null;
        }
        List<String> copy = List.copyOf(protocols);
        Alpn.wireFormat(copy); // throws Node's ERR_OUT_OF_RANGE for a name over 255 bytes
        return copy;
    }

    /** The names in a wire-format buffer. */
    static List<String> ofWire(byte[] wire) {
        if (wire == null) {
            return null;
        }
        List<String> names = Alpn.parse(wire, 0, wire.length);
        if (!Arrays.equals(Alpn.wireFormat(names), wire)) {
            throw new TlsArgumentException("ERR_INVALID_ARG_VALUE",
                    "The argument 'ALPNProtocols' is not a valid wire-format protocol list");
        }
        return names;
    }

    static List<String> of(String... protocols) {
        Objects.requireNonNull(protocols, "protocols");
        return of(List.of(protocols));
    }
}
