package io.jtls.internal.openssl;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Mechanical helpers over memory BIOs: bytes in, bytes out. No policy. */
public final class Bios {
    private Bios() {}

    /** A new, empty read-write memory BIO. */
    public static NativeHandle newMemory() {
        MemorySegment bio = BioCalls.BIO_new(BioCalls.BIO_s_mem());
        if (Types.isNull(bio)) {
            throw ErrorQueue.exception("BIO_new", "ERR_OSSL_MALLOC_FAILURE");
        }
        return NativeHandle.own(NativeKind.BIO, bio);
    }

    /**
     * A new empty memory BIO as a bare pointer, for a caller that hands it to an owner at once
     * ({@code SSL_set_bio}) and frees it itself if that cannot happen: no {@link NativeHandle}.
     *
     * @return the BIO, never NULL
     */
    public static MemorySegment newMemoryRaw() {
        MemorySegment bio = BioCalls.BIO_new(BioCalls.BIO_s_mem());
        if (Types.isNull(bio)) {
            throw ErrorQueue.exception("BIO_new", "ERR_OSSL_MALLOC_FAILURE");
        }
        return bio;
    }

    /** Frees a BIO from {@link #newMemoryRaw()} that no owner adopted. */
    public static void freeRaw(MemorySegment bio) {
        try {
            NativeKind.BIO.free(bio);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(t);
        }
    }

    /** A memory BIO holding a copy of {@code data} (it does not borrow the Java array). */
    public static NativeHandle of(byte[] data) {
        NativeHandle bio = newMemory();
        if (data.length > 0) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment copy = arena.allocateFrom(ValueLayout.JAVA_BYTE, data);
                if (BioCalls.BIO_write(bio.get(), copy, data.length) != data.length) {
                    bio.close();
                    throw ErrorQueue.exception("BIO_write", "ERR_OSSL_MALLOC_FAILURE");
                }
            }
        }
        return bio;
    }

    /** Everything a memory BIO holds, without consuming it. */
    public static byte[] contents(NativeHandle bio) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pp = arena.allocate(ValueLayout.ADDRESS);
            long len = BioCalls.BIO_get_mem_data(bio.get(), pp);
            if (len <= 0) {
                return new byte[0];
            }
            return Types.bytes(pp.get(ValueLayout.ADDRESS, 0), len);
        }
    }
}
