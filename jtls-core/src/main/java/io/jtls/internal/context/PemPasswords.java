package io.jtls.internal.context;

import static io.jtls.internal.openssl.Types.C_INT;
import static io.jtls.internal.openssl.Types.C_POINTER;

import io.jtls.internal.openssl.Types;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.nio.charset.StandardCharsets;

/**
 * The {@code pem_password_cb} every PEM read of jtls passes, so that OpenSSL never falls back
 * to prompting on the terminal (what a NULL callback with NULL user data does).
 *
 * <p>The user data is either NULL (no passphrase: the callback returns 0, Node's
 * {@code NoPasswordCallback}, and an encrypted key then fails with {@code bad decrypt}) or a
 * native block made by {@link #passphrase}: a 4-byte length followed by the UTF-8 bytes, which
 * the callback copies out (Node's {@code PasswordCallback}, which also refuses a passphrase
 * longer than OpenSSL's buffer). No Java object is reached from native code.
 */
final class PemPasswords {
    private PemPasswords() {}

    /** The upcall stub: {@code int cb(char *buf, int size, int rwflag, void *u)}. */
    static final MemorySegment CALLBACK = Upcalls.stub(MethodHandles.lookup(), "passwordCallback",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_POINTER));

    /** The user data for {@link #CALLBACK}: NULL for no passphrase, else length-prefixed UTF-8. */
    static MemorySegment passphrase(SegmentAllocator allocator, String passphrase) {
        if (passphrase == null) {
            return MemorySegment.NULL;
        }
        return passphrase(allocator, passphrase.getBytes(StandardCharsets.UTF_8));
    }

    static MemorySegment passphrase(SegmentAllocator allocator, byte[] bytes) {
        MemorySegment block = allocator.allocate(4L + bytes.length, 4);
        block.set(ValueLayout.JAVA_INT, 0, bytes.length);
        MemorySegment.copy(bytes, 0, block, ValueLayout.JAVA_BYTE, 4, bytes.length);
        return block;
    }

    @SuppressWarnings("unused") // called by OpenSSL through CALLBACK
    private static int passwordCallback(MemorySegment buf, int size, int rwflag, MemorySegment u) {
        try {
            if (Types.isNull(u)) {
                return 0;
            }
            int length = u.reinterpret(4).get(ValueLayout.JAVA_INT, 0);
            if (length > size) {
                return -1;
            }
            MemorySegment.copy(u.reinterpret(4L + length), 4, buf.reinterpret(size), 0, length);
            return length;
        } catch (Throwable t) {
            return -1; // never unwind into OpenSSL
        }
    }
}
