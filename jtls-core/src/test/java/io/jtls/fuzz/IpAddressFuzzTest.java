package io.jtls.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jtls.internal.util.IpAddresses;
import java.net.InetAddress;

/**
 * IP address text (host names a client passes, IP altnames in a server's certificate):
 * {@code isIP} and {@code canonicalize} take any string, and a canonical form is a fixed point
 * that the JDK reads as the same address.
 */
class IpAddressFuzzTest {
    @FuzzTest
    void text(String s) {
        if (s == null) {
            return; // Jazzer also offers null; the parsers' callers never pass it
        }
        int version = IpAddresses.isIP(s);
        assertTrue(version == 0 || version == 4 || version == 6);
        String canonical = IpAddresses.canonicalize(s);
        if (canonical == null) {
            return;
        }
        assertEquals(canonical, IpAddresses.canonicalize(canonical), "canonical text is a fixed point");
        assertNotEquals(0, IpAddresses.isIP(canonical), "canonical text is an address for isIP");
        try {
            // Only literal text reaches the JDK: it has no name to resolve.
            InetAddress parsed = InetAddress.ofLiteral(canonical);
            assertEquals(InetAddress.ofLiteral(canonical), parsed);
        } catch (IllegalArgumentException e) {
            throw new AssertionError("the JDK refuses the canonical form " + canonical + " of " + s, e);
        }
    }

}
