package io.jtls.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.bench.BenchOptions.Mode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The options parse like server-node.js's parseArgs: defaults, environment, argv wins. */
class BenchOptionsTest {
    @Test
    void defaultsAreServerNodeJsDefaults() {
        BenchOptions o = BenchOptions.parse(List.of(), Map.of());
        assertEquals(new BenchOptions(0, "127.0.0.1", "ec", "TLSv1.2", "TLSv1.3", true, false, "", Mode.ECHO,
                1L << 30, 65536, 600), o);
    }

    @Test
    void theHarnessCommandLine() {
        BenchOptions o = BenchOptions.parse(List.of("--port", "0", "--lifetime", "420", "--host", "127.0.0.1",
                "--cert", "rsa", "--min", "TLSv1.2", "--max", "TLSv1.2", "--tickets", "off", "--idcache", "on",
                "--ciphers", "ECDHE-RSA-AES128-GCM-SHA256", "--mode", "source", "--bytes", "4294967296",
                "--chunk", "65536"), Map.of());
        assertEquals(new BenchOptions(0, "127.0.0.1", "rsa", "TLSv1.2", "TLSv1.2", false, true,
                "ECDHE-RSA-AES128-GCM-SHA256", Mode.SOURCE, 4294967296L, 65536, 420), o);
    }

    @Test
    void environmentFillsInAndArgvWins() {
        BenchOptions o = BenchOptions.parse(List.of("--mode", "sink"),
                Map.of("MODE", "source", "CERT", "rsa", "TICKETS", "No", "IDCACHE", "YES", "TLS_MAX", "TLSv1.2"));
        assertEquals(Mode.SINK, o.mode());
        assertEquals("rsa", o.cert());
        assertFalse(o.tickets());
        assertTrue(o.idCache());
        assertEquals("TLSv1.2", o.maxVersion());
    }

    @Test
    void onIsWhatServerNodeJsCallsOn() {
        for (String v : List.of("1", "on", "ON", "yes", "True")) assertTrue(BenchOptions.isOn(v), v);
        for (String v : List.of("0", "off", "no", "false", "", "onn")) assertFalse(BenchOptions.isOn(v), v);
    }

    @Test
    void badArgumentsFailWithServerNodeJsMessages() {
        assertEquals("unexpected argument x",
                assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(List.of("x"), Map.of())).getMessage());
        assertEquals("unknown option --nope",
                assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(List.of("--nope", "1"), Map.of())).getMessage());
        assertEquals("--cert must be ec or rsa",
                assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(List.of("--cert", "dsa"), Map.of())).getMessage());
        assertEquals("--mode must be echo|sink|source",
                assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(List.of("--mode", "x"), Map.of())).getMessage());
    }
}
