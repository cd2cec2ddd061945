package io.jtls.internal.engine;

import io.jtls.internal.openssl.BioCalls;
import io.jtls.internal.openssl.Bios;
import io.jtls.internal.openssl.DiagnosticCalls;
import io.jtls.internal.openssl.NativeHandle;
import io.jtls.internal.openssl.NativeLibrary;
import io.jtls.internal.openssl.Types;
import io.jtls.internal.openssl.X509FieldCalls;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What one connection tells about itself for debugging, off by default and paid for only when
 * asked: the NSS key log lines OpenSSL derives (Node's {@code 'keylog'}), the {@code SSL_trace}
 * text of every message (Node's {@code enableTrace()}), and the read-only
 * {@code getSharedSigalgs()}. Owned by its {@link TlsEngine}, on the engine's thread.
 *
 * <p>Key log lines come through the context's keylog callback ({@link ContextHooks}), which
 * every connection passes; only an engine that enabled it keeps them, until the driver takes
 * them after OpenSSL returned. The trace needs no upcall at all: OpenSSL's own
 * {@code SSL_trace} is the message callback and prints into a memory BIO that the driver
 * drains to wherever the trace goes.
 */
final class ConnectionDiagnostics implements AutoCloseable {
    /** {@code SSL_trace}'s address, when this libssl was built with it (Debian's is). */
    private static final MemorySegment SSL_TRACE = NativeLibrary.find("SSL_trace").orElse(null);

    private boolean keylog;
    private List<byte[]> keylogLines; // made at the first line
    /** The BIO SSL_trace prints into; owned here, freed after the SSL. */
    private NativeHandle traceBio;

    void enableKeylog() {
        keylog = true;
    }

    /** From the keylog upcall: keeps a copy of {@code line} with Node's trailing newline. */
    void onKeylogLine(MemorySegment line) {
        if (!keylog) {
            return;
        }
        byte[] text = line.reinterpret(Long.MAX_VALUE).getString(0, StandardCharsets.ISO_8859_1)
                .getBytes(StandardCharsets.ISO_8859_1);
        byte[] withNewline = new byte[text.length + 1];
        System.arraycopy(text, 0, withNewline, 0, text.length);
        withNewline[text.length] = '\n';
        if (keylogLines == null) {
            keylogLines = new ArrayList<>(5);
        }
        keylogLines.add(withNewline);
    }

    /** The lines recorded since the last call, or null when there are none. */
    List<byte[]> takeKeylogLines() {
        List<byte[]> lines = keylogLines;
        keylogLines = null;
        return lines;
    }

    /** True when SSL_trace exists in the loaded libssl. */
    static boolean traceAvailable() {
        return SSL_TRACE != null;
    }

    /** Makes {@code SSL_trace} the message callback of {@code ssl}, printing into a memory BIO. */
    void enableTrace(MemorySegment ssl) {
        if (traceBio != null) {
            return;
        }
        if (SSL_TRACE == null) {
            throw new UnsupportedOperationException("this libssl has no SSL_trace (built with no-ssl-trace)");
        }
        traceBio = Bios.newMemory();
        DiagnosticCalls.SSL_set_msg_callback_arg(ssl, traceBio.get()); // borrowed: freed after the SSL
        DiagnosticCalls.SSL_set_msg_callback(ssl, SSL_TRACE);
    }

    /** The trace text printed since the last call, or null. */
    String takeTrace() {
        if (traceBio == null) {
            return null;
        }
        MemorySegment bio = traceBio.get();
        long pending = BioCalls.BIO_ctrl_pending(bio);
        if (pending <= 0) {
            return null;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(pending);
            int read = BioCalls.BIO_read(bio, buffer, (int) pending);
            return read <= 0 ? null : new String(buffer.asSlice(0, read).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
        }
    }

    /**
     * Node's {@code getSharedSigalgs()}: each shared signature algorithm as Node names it, the
     * key type ("RSA", "RSA-PSS", "DSA", "ECDSA", "Ed25519", "Ed448", else OpenSSL's short name
     * or "UNDEF") and the hash's short name ("SHA256"; "UNDEF" for the EdDSA ones), joined by "+".
     */
    static List<String> sharedSigalgs(MemorySegment ssl) {
        int count = DiagnosticCalls.SSL_get_shared_sigalgs(ssl, 0, MemorySegment.NULL, MemorySegment.NULL,
                MemorySegment.NULL, MemorySegment.NULL, MemorySegment.NULL);
        List<String> names = new ArrayList<>(Math.max(count, 0));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sign = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment hash = arena.allocate(ValueLayout.JAVA_INT);
            for (int i = 0; i < count; i++) {
                DiagnosticCalls.SSL_get_shared_sigalgs(ssl, i, sign, hash, MemorySegment.NULL, MemorySegment.NULL,
                        MemorySegment.NULL);
                names.add(keyName(sign.get(ValueLayout.JAVA_INT, 0)) + "+"
                        + shortName(hash.get(ValueLayout.JAVA_INT, 0)));
            }
        }
        return List.copyOf(names);
    }

    private static String keyName(int nid) {
        return switch (nid) {
            case DiagnosticCalls.EVP_PKEY_RSA -> "RSA";
            case DiagnosticCalls.EVP_PKEY_RSA_PSS -> "RSA-PSS";
            case DiagnosticCalls.EVP_PKEY_DSA -> "DSA";
            case DiagnosticCalls.EVP_PKEY_EC -> "ECDSA";
            case DiagnosticCalls.NID_ED25519 -> "Ed25519";
            case DiagnosticCalls.NID_ED448 -> "Ed448";
            default -> shortName(nid);
        };
    }

    private static String shortName(int nid) {
        String name = nid == 0 ? null : Types.cString(X509FieldCalls.OBJ_nid2sn(nid));
        return name == null ? "UNDEF" : name;
    }

    /** The handshake's client random (32 bytes), as sent in the ClientHello. */
    static byte[] clientRandom(MemorySegment ssl) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(32);
            long n = DiagnosticCalls.SSL_get_client_random(ssl, out, 32);
            return out.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
        }
    }

    /** Frees the trace BIO; call after SSL_free (the SSL borrowed it). */
    @Override
    public void close() {
        if (traceBio != null) {
            traceBio.close();
            traceBio = null;
        }
        keylogLines = null;
    }
}
