package io.jtls.internal.engine;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records when watched BIOs are really freed, through OpenSSL's ex-data machinery: while open,
 * a BIO ex-data index with a free function is registered ({@code CRYPTO_get_ex_new_index}), and
 * OpenSSL calls that function from inside {@code BIO_free} for every BIO it frees. A test can
 * then see that a BIO was freed, and freed once, instead of guessing from malloc figures.
 *
 * <p>Not a BIO callback ({@code BIO_set_callback_ex}): that one runs on every read and write,
 * and the engine binds {@code BIO_read}/{@code BIO_write} as critical downcalls, which must
 * never call back into Java. BIOs are only freed from non-critical calls ({@code SSL_set0_*bio},
 * {@code SSL_free}). Test-only.
 */
final class BioFrees implements AutoCloseable {
    private static final int CRYPTO_EX_INDEX_BIO = 12;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle NEW_INDEX;
    private static final MethodHandle FREE_INDEX;
    private static final MemorySegment FREE_FUNCTION;
    // Any thread may free a BIO while the index is registered: both are safe to share.
    private static final Set<Long> WATCHED = ConcurrentHashMap.newKeySet();
    private static final List<Long> FREED = new CopyOnWriteArrayList<>();

    static {
        SymbolLookup crypto = SymbolLookup.libraryLookup("libcrypto.so.3", Arena.global());
        NEW_INDEX = LINKER.downcallHandle(crypto.find("CRYPTO_get_ex_new_index").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
                        ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        FREE_INDEX = LINKER.downcallHandle(crypto.find("CRYPTO_free_ex_index").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        try {
            MethodHandle target = MethodHandles.lookup().findStatic(BioFrees.class, "freed", MethodType.methodType(
                    void.class, MemorySegment.class, MemorySegment.class, MemorySegment.class, int.class, long.class,
                    MemorySegment.class));
            FREE_FUNCTION = LINKER.upcallStub(target, FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                    ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS), Arena.global());
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int index;

    /** Registers the free function (until {@link #close()}). */
    BioFrees() {
        try {
            index = (int) NEW_INDEX.invokeExact(CRYPTO_EX_INDEX_BIO, 0L, MemorySegment.NULL, MemorySegment.NULL,
                    MemorySegment.NULL, FREE_FUNCTION);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (index < 0) throw new AssertionError("CRYPTO_get_ex_new_index failed");
    }

    /**
     * Watches {@code bio}: its free is recorded, once. Once freed, the address is forgotten: malloc
     * hands it out again for later BIOs. A second free of the same BIO is glibc's to catch (it aborts
     * the process on a double free), which fails the run just as surely.
     */
    void watch(MemorySegment bio) {
        WATCHED.add(bio.address());
    }

    /** The addresses of the watched BIOs freed since the last call, in order; then forgets them. */
    List<Long> takeFreed() {
        List<Long> freed = List.copyOf(FREED);
        FREED.clear();
        return freed;
    }

    @Override
    public void close() {
        try {
            int ignored = (int) FREE_INDEX.invokeExact(CRYPTO_EX_INDEX_BIO, index);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        WATCHED.clear();
        FREED.clear();
    }

    /** {@code CRYPTO_EX_free}: called by {@code BIO_free} for each BIO it frees; never throws. */
    @SuppressWarnings("unused") // the upcall's target
    private static void freed(MemorySegment bio, MemorySegment data, MemorySegment exData, int index, long argl,
            MemorySegment argp) {
        try {
            if (WATCHED.remove(bio.address())) FREED.add(bio.address());
        } catch (Throwable ignored) {
            // an upcall must not let anything escape
        }
    }
}
