package io.jtls.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class TicketKeyTest {
    private static byte[] counting(int from, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (from + i);
        }
        return bytes;
    }

    @Test
    void nodeLayoutIsNameThenHmacSecretThenAesKey() {
        byte[] node = counting(0, 48);
        TicketKey key = TicketKey.fromNodeBytes(node);
        assertArrayEquals(counting(0, 16), key.name());
        assertArrayEquals(counting(16, 16), key.hmacSecret());
        assertArrayEquals(counting(32, 16), key.aesKey());
        assertArrayEquals(node, key.toNodeBytes());
        assertEquals(key, TicketKey.of(counting(0, 16), counting(16, 16), counting(32, 16)));
        assertEquals("000102030405060708090a0b0c0d0e0f", key.nameHex());
        assertEquals("TicketKey[name=000102030405060708090a0b0c0d0e0f]", key.toString());
    }

    @Test
    void copiesEverythingThatGoesInOrOut() {
        byte[] node = counting(0, 48);
        TicketKey key = TicketKey.fromNodeBytes(node);
        node[0] = 99;
        key.name()[1] = 99;
        key.toNodeBytes()[2] = 99;
        key.aesKey()[0] = 99;
        assertArrayEquals(counting(0, 48), key.toNodeBytes());
    }

    @Test
    void rejectsWrongLengthsAsNodeDoes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TicketKey.fromNodeBytes(new byte[10]));
        assertTrue(e.getMessage().startsWith("Session ticket keys must be a 48-byte buffer"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TicketKey.fromNodeBytes(new byte[49]));
        assertThrows(NullPointerException.class, () -> TicketKey.fromNodeBytes(null));
        assertThrows(IllegalArgumentException.class, () -> TicketKey.of(new byte[16], new byte[15], new byte[16]));
    }

    @Test
    void generatedKeysDifferAndMatchOnlyTheirOwnName() {
        TicketKey a = TicketKey.generate();
        TicketKey b = TicketKey.generate();
        assertNotEquals(a, b);
        assertFalse(Arrays.equals(a.name(), b.name()));
        assertTrue(a.hasName(a.name()));
        assertFalse(a.hasName(b.name()));
        assertFalse(a.hasName(Arrays.copyOf(a.name(), 15)));
        assertFalse(a.hasName(null));
        assertEquals(a, TicketKey.fromNodeBytes(a.toNodeBytes()));
        assertEquals(a.hashCode(), TicketKey.fromNodeBytes(a.toNodeBytes()).hashCode());
        assertFalse(a.toString().contains(HexFormat.of().formatHex(a.hmacSecret())));
    }
}
