package io.jtls.internal.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jtls.support.ExternalProcess;
import io.jtls.support.JsJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link IpAddresses} against node's own {@code net.isIP} and internal {@code canonicalizeIP}. */
class IpAddressesTest {
    private static final List<String> INPUTS = List.of(
            "1.2.3.4", "0.0.0.0", "255.255.255.255", "256.1.1.1", "01.2.3.4", "1.2.3", "1.2.3.4.5", "1.2.3.4 ",
            "::", "::1", "::2", "0:0:0:0:0:0:0:1", "0:0:0:0:0:0:0:0", "1::", "1:0:0:0:0:0:0:0", "0:0:1:0:0:0:0:0",
            "1:0:0:1:0:0:0:1", "1:0:1:0:1:0:1:0", "2001:DB8:0:0:0:0:0:1", "2001:db8::1", "FE80::1%eth0",
            "fe80::1%1", "::ffff:1.2.3.4", "::ffff:0102:0304", "::1.2.3.4", "::0.0.0.2", "0:0:0:0:0:ffff:7f00:1",
            "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::",
            ":1::", "1:", "::ffff:256.1.1.1", "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7:1.2.3.4", "abc", "", "a.com",
            "1.2.3.4\n", "[::1]", "::FFFF:1.2.3.4");

    @TempDir
    Path dir;

    @Test
    void sameAsNode() throws IOException {
        Files.writeString(dir.resolve("inputs.json"), JsJson.stringify(INPUTS), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("ip.js"), """
                const { internalBinding } = require('internal/test/binding');
                const { canonicalizeIP } = internalBinding('cares_wrap');
                const net = require('net');
                for (const s of JSON.parse(require('fs').readFileSync('inputs.json', 'utf8'))) {
                  const c = canonicalizeIP(s);
                  console.log('IP ' + JSON.stringify([net.isIP(s), c === undefined ? null : c]));
                }
                """);
        ExternalProcess.Separated r = ExternalProcess.runSeparately(dir, Duration.ofSeconds(30), List.of("node", "--expose-internals", "ip.js"));
        assertEquals(0, r.exitCode(), r.describe());
        List<String> node = r.stdout().lines().filter(l -> l.startsWith("IP ")).map(l -> l.substring(3)).toList();
        assertEquals(INPUTS.size(), node.size(), r.describe());
        List<String> ours = new ArrayList<>();
        for (String s : INPUTS) {
            ours.add(JsJson.stringify(Arrays.asList(IpAddresses.isIP(s), IpAddresses.canonicalize(s))));
        }
        for (int i = 0; i < INPUTS.size(); i++) {
            assertEquals(node.get(i), ours.get(i), "input " + JsJson.stringify(INPUTS.get(i)));
        }
    }
}
