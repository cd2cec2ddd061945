package io.jtls.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A libcrypto.so.3 that says it is OpenSSL 1.1.1w (0x1010117f), compiled for a test that must see it refused. */
public final class FakeLibcrypto {
    private FakeLibcrypto() {}

    /** Compiles it into {@code dir} (needs a C compiler) and returns its path. */
    public static Path tooOld(Path dir) throws IOException {
        Path source = dir.resolve("old.c");
        Files.writeString(source, "unsigned long OpenSSL_version_num(void) { return 0x1010117fUL; }\n");
        Path fake = dir.resolve("libcrypto.so.3");
        ExternalProcess.Result cc = ExternalProcess.run(Duration.ofSeconds(60),
                List.of("cc", "-shared", "-fPIC", "-o", fake.toString(), source.toString()));
        assertEquals(0, cc.exitCode(), "the test needs a C compiler (apt-get install gcc): " + cc.output());
        return fake;
    }
}
