package io.jtls.internal.engine;

import io.jtls.error.TlsArgumentException;
import io.jtls.error.TlsRangeException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * ALPN protocol lists in their wire format (RFC 7301 section 3.1): each protocol as one length
 * byte and 1 to 255 bytes of name, concatenated. Node's {@code convertALPNProtocols}
 * ({@code lib/tls.js}) builds the same bytes from an array of strings.
 */
public final class Alpn {
    private Alpn() {}

    /**
     * The wire format of {@code protocols}.
     *
     * @throws io.jtls.error.TlsRangeException {@code ERR_OUT_OF_RANGE} for a protocol name longer than 255 bytes
     *                      (Node's message), {@code ERR_INVALID_ARG_VALUE} for an empty one
     */
    public static byte[] wireFormat(List<String> protocols) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < protocols.size(); i++) {
            byte[] name = protocols.get(i).getBytes(StandardCharsets.UTF_8);
            if (name.length > 255) {
                throw new TlsRangeException("ERR_OUT_OF_RANGE", "The byte length of the protocol at index " + i
                        + " exceeds the maximum length. It must be <= 255. Received " + name.length);
            }
            if (name.length == 0) {
                throw new TlsArgumentException("ERR_INVALID_ARG_VALUE", "The ALPN protocol at index " + i + " is empty");
            }
            out.write(name.length);
            out.writeBytes(name);
        }
        return out.toByteArray();
    }

    /** The protocols in a wire-format list; stops at a malformed entry. */
    public static List<String> parse(byte[] wire, int offset, int length) {
        List<String> protocols = new ArrayList<>();
        int end = offset + length;
        int i = offset;
        while (i < end) {
            int n = wire[i] & 0xFF;
            if (n == 0 || i + 1 + n > end) {
                break;
            }
            protocols.add(new String(wire, i + 1, n, StandardCharsets.UTF_8));
            i += 1 + n;
        }
        return protocols;
    }
}
