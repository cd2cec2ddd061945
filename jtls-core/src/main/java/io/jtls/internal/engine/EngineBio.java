package io.jtls.internal.engine;

import static io.jtls.internal.openssl.Types.C_INT;
import static io.jtls.internal.openssl.Types.C_LONG;

import io.jtls.internal.openssl.BioCalls;
import io.jtls.internal.openssl.CryptoCalls;
import io.jtls.internal.openssl.NativeLibrary;
import io.jtls.internal.openssl.Types;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;

/**
 * The engine's own {@code BIO_METHOD}: one BIO per connection, the SSL's read and write BIO
 * at once, that lets OpenSSL read ciphertext straight from memory the caller <em>lends</em> for
 * the length of a call (the event loop's read buffer) and write its records straight into
 * memory the caller lends (the loop's ciphertext buffer during a flush): the copies into and
 * out of two memory BIOs are gone (Node's {@code NodeBIO} saves the same two).
 *
 * <h2>State</h2>
 * Each BIO points ({@code BIO_set_data}) at a small native struct of its own (layout: the
 * offsets below), so an upcall finds everything it needs with one {@code BIO_get_data}: no
 * engine lookup, no lock, no map. The struct holds the current loans (address, length, cursor)
 * and the engine's own storage for what a call left over: input OpenSSL did not read yet (a
 * partial record, a paused handshake or consumer) and output that had no loan to go to (a
 * handshake flight, a caller of {@code encOut}). Each storage is a {@code CRYPTO_realloc}
 * buffer that exists only while it holds bytes: an idle connection holds the struct alone.
 * Input is read from the storage first, then from the loan (the order the bytes came in).
 *
 * <h2>Rules</h2>
 * The struct is made with the BIO and freed by the BIO's destroy callback, once, when the SSL
 * frees its BIO ({@code SSL_free}). The upcalls catch every {@code Throwable}, mark the struct
 * {@link #FAILED} and return 0 without a retry flag (OpenSSL then fails the call, and the engine
 * reports the failure after it). {@code BIO_read}/{@code BIO_write} are bound {@code critical}
 * and are never called on this BIO by jtls: only libssl calls into it, from
 * {@code SSL_read}/{@code SSL_write}/{@code SSL_do_handshake}/{@code SSL_shutdown} and
 * {@code SSL_free}, none of them critical.
 *
 * <h2>Control</h2>
 * libssl asks its BIOs several questions per record ({@code BIO_get_ktls_send} on each write,
 * {@code BIO_get_ktls_recv} on each read, {@code BIO_flush} after a flight): about 6 per 16 KiB
 * record at each end (12.5 per record sent and read), counted with
 * {@code scripts/bulk-native-calls.java}. An upcall each would cost more than
 * the copies saved, so the method's control function is the null BIO's own, in C
 * ({@code BIO_meth_get_ctrl(BIO_s_null())}): 1 for {@code BIO_CTRL_FLUSH}, {@code SET_CLOSE},
 * {@code RESET}, {@code EOF}, {@code DUP}, and 0 for everything else (the kTLS and datagram
 * controls included, which tells libssl this BIO is neither; {@code WPENDING} 0 as a memory
 * BIO). {@code BIO_CTRL_PENDING} answers 0 there: libssl does not ask it of a TLS BIO, and the
 * engine counts its input itself ({@link #inPending}). Where {@code BIO_meth_get_ctrl} is gone
 * (deprecated in later OpenSSL), {@link #ctrl} gives the same answers from Java.
 */
final class EngineBio {
    private EngineBio() {}

    // ---- the struct: one 8-byte slot per field ----
    /** The input storage (NULL while empty), its read cursor, its end, its capacity. */
    static final long IN_BUF = 0, IN_START = 8, IN_END = 16, IN_CAP = 24;
    /** The input loan: address (NULL: none), length, read cursor. */
    static final long LENT_IN = 32, LENT_IN_LEN = 40, LENT_IN_POS = 48;
    /** The output storage (NULL while empty), its read cursor, its end, its capacity. */
    static final long OUT_BUF = 56, OUT_START = 64, OUT_END = 72, OUT_CAP = 80;
    /** The output loan: address (NULL: none), capacity, write cursor. */
    static final long LENT_OUT = 88, LENT_OUT_CAP = 96, LENT_OUT_POS = 104;
    /** Non-zero once an upcall failed ({@link #FAILED_MEMORY}, {@link #FAILED_EXCEPTION}). */
    static final long FAILED = 112;
    /** Bytes copied into the input / output storage (a copy the loans did not save), for tests and diagnostics. */
    static final long STAGED_IN = 120, STAGED_OUT = 128;
    /** Non-zero while the BIO's retry flags are set (by {@link #readEx}): only then are they cleared. */
    static final long RETRY_SET = 136;
    static final long SIZE = 144;

    /** The least a storage is allocated with: one handshake flight's worth, fewer reallocations. */
    private static final long MIN_STORAGE = 4096;

    static final long FAILED_MEMORY = 1;
    static final long FAILED_EXCEPTION = 2;

    /**
     * All of memory, for the upcalls: they get their pointers as addresses (a long; the C ABI
     * passes a pointer and a long alike) and read and copy through this one segment, so a call
     * per record makes no {@code MemorySegment} object (the loop's steady state allocates nothing).
     */
    private static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private static final FunctionDescriptor READ_WRITE = FunctionDescriptor.of(C_INT, C_LONG, C_LONG, C_LONG, C_LONG);
    private static final MemorySegment WRITE_EX = stub("writeEx", READ_WRITE);
    private static final MemorySegment READ_EX = stub("readEx", READ_WRITE);
    private static final MemorySegment CTRL = nativeCtrl();
    private static final MemorySegment DESTROY = stub("destroy", FunctionDescriptor.of(C_INT, C_LONG));
    /** The method, made once per process (never freed: BIOs of it live as long as their SSLs). */
    private static final MemorySegment METHOD = makeMethod();

    /** An upcall stub for one of this class's static methods (looked up here: they are package-private). */
    private static MemorySegment stub(String method, FunctionDescriptor descriptor) {
        try {
            MethodHandle target = MethodHandles.lookup().findStatic(EngineBio.class, method, descriptor.toMethodType());
            return NativeLibrary.upcall(target, descriptor);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("bad upcall target EngineBio." + method, e);
        }
    }

    /** The null BIO's control function (C, no upcall), else {@link #ctrl} as an upcall. */
    private static MemorySegment nativeCtrl() {
        try {
            MemorySegment ctrl = BioCalls.BIO_meth_get_ctrl(BioCalls.BIO_s_null());
            if (!Types.isNull(ctrl)) {
                return ctrl;
            }
        } catch (UnsupportedOperationException gone) {
            // an OpenSSL without BIO_meth_get_ctrl: answer from Java
        }
        return stub("ctrl", FunctionDescriptor.of(C_LONG, C_LONG, C_INT, C_LONG, C_LONG));
    }

    private static MemorySegment makeMethod() {
        int index = BioCalls.BIO_get_new_index();
        if (index < 0) {
            throw new IllegalStateException("BIO_get_new_index failed");
        }
        MemorySegment method = BioCalls.BIO_meth_new(index | BioCalls.BIO_TYPE_SOURCE_SINK,
                Arena.global().allocateFrom("jtls engine"));
        if (Types.isNull(method)
                || BioCalls.BIO_meth_set_write_ex(method, WRITE_EX) != 1
                || BioCalls.BIO_meth_set_read_ex(method, READ_EX) != 1
                || BioCalls.BIO_meth_set_ctrl(method, CTRL) != 1
                || BioCalls.BIO_meth_set_destroy(method, DESTROY) != 1) {
            throw new IllegalStateException("BIO_meth_new failed");
        }
        return method;
    }

    /**
     * A new BIO of this method with its struct attached, as a bare pointer for a caller that
     * hands it to the SSL at once ({@code SSL_set_bio}) and frees it with {@code BIO_free} if that
     * cannot happen.
     *
     * @return the BIO, or NULL when out of memory (nothing to free then)
     */
    static MemorySegment newBio() {
        MemorySegment bio = BioCalls.BIO_new(METHOD);
        if (Types.isNull(bio)) {
            return MemorySegment.NULL;
        }
        MemorySegment state = CryptoCalls.CRYPTO_zalloc(SIZE, MemorySegment.NULL, 0);
        if (Types.isNull(state)) {
            BioCalls.BIO_free(bio); // no struct yet: destroy finds NULL
            return MemorySegment.NULL;
        }
        BioCalls.BIO_set_data(bio, state);
        BioCalls.BIO_set_init(bio, 1); // an uninitialised BIO refuses every read and write
        return bio;
    }

    /** The struct of {@code bio} (valid until the SSL frees the BIO). */
    static MemorySegment state(MemorySegment bio) {
        return BioCalls.BIO_get_data(bio).reinterpret(SIZE);
    }

    // ------------------------------------------------------------------ the engine's side

    /** Input waiting for OpenSSL: stored, then the rest of the loan. */
    static long inPending(MemorySegment state) {
        long st = state.address();
        return get(st, IN_END) - get(st, IN_START) + get(st, LENT_IN_LEN) - get(st, LENT_IN_POS);
    }

    /** Output waiting in the engine's storage (what went to a loan is the lender's already). */
    static long outPending(MemorySegment state) {
        return outPending(state.address());
    }

    static boolean inputLent(MemorySegment state) {
        return get(state.address(), LENT_IN) != 0;
    }

    static boolean outputLent(MemorySegment state) {
        return get(state.address(), LENT_OUT) != 0;
    }

    /** Copies {@code length} bytes of {@code src} (native or heap) behind the stored input; false when out of memory. */
    static boolean storeIn(MemorySegment state, MemorySegment src, long offset, long length) {
        return append(state.address(), IN_BUF, IN_START, IN_END, IN_CAP, STAGED_IN, src, offset, length);
    }

    /** Lends {@code length} bytes at {@code address} to OpenSSL's reads until {@link #endInputLoan}. */
    static void lendInput(MemorySegment state, long address, long length) {
        long st = state.address();
        set(st, LENT_IN, address);
        set(st, LENT_IN_LEN, length);
        set(st, LENT_IN_POS, 0);
    }

    /**
     * Ends the input loan: what OpenSSL did not read is copied into the storage (the lender
     * reuses its memory).
     *
     * @return false when out of memory (the unread bytes are lost: the engine fails)
     */
    static boolean endInputLoan(MemorySegment state) {
        long st = state.address();
        long address = get(st, LENT_IN);
        long length = get(st, LENT_IN_LEN);
        long pos = get(st, LENT_IN_POS);
        set(st, LENT_IN, 0);
        set(st, LENT_IN_LEN, 0);
        set(st, LENT_IN_POS, 0);
        if (address == 0 || pos == length) {
            return true;
        }
        return append(st, IN_BUF, IN_START, IN_END, IN_CAP, STAGED_IN, ALL, address + pos, length - pos);
    }

    /** The input loan's address (0: none), to tell whose loan it is. */
    static long inputLoan(MemorySegment state) {
        return get(state.address(), LENT_IN);
    }

    /** The output loan's address (0: none). */
    static long outputLoan(MemorySegment state) {
        return get(state.address(), LENT_OUT);
    }

    /** Lends {@code capacity} bytes at {@code address} to OpenSSL's writes until {@link #endOutputLoan}. */
    static void lendOutput(MemorySegment state, long address, long capacity) {
        long st = state.address();
        set(st, LENT_OUT, address);
        set(st, LENT_OUT_CAP, capacity);
        set(st, LENT_OUT_POS, 0);
    }

    /** Room left in the output loan (0 without one). */
    static long lentRoom(MemorySegment state) {
        long st = state.address();
        return get(st, LENT_OUT_CAP) - get(st, LENT_OUT_POS);
    }

    /** Ends the output loan. @return the bytes OpenSSL wrote into it */
    static long endOutputLoan(MemorySegment state) {
        long st = state.address();
        long written = get(st, LENT_OUT_POS);
        set(st, LENT_OUT, 0);
        set(st, LENT_OUT_CAP, 0);
        set(st, LENT_OUT_POS, 0);
        return written;
    }

    /**
     * Moves up to {@code max} stored output bytes into {@code dst} (native or heap) at
     * {@code offset}; the storage is freed once drained.
     *
     * @return the bytes moved
     */
    static long takeOut(MemorySegment state, MemorySegment dst, long offset, long max) {
        return take(state.address(), OUT_BUF, OUT_START, OUT_END, OUT_CAP, dst, offset, max);
    }

    // ------------------------------------------------------------------ the struct and its storage

    private static long get(long st, long field) {
        return ALL.get(ValueLayout.JAVA_LONG, st + field);
    }

    private static void set(long st, long field, long value) {
        ALL.set(ValueLayout.JAVA_LONG, st + field, value);
    }

    private static long outPending(long st) {
        return get(st, OUT_END) - get(st, OUT_START);
    }

    /** Appends {@code length} bytes of {@code src} from {@code offset} (an address when {@code src} is {@link #ALL}). */
    private static boolean append(long st, long bufAt, long startAt, long endAt, long capAt, long countAt,
                                  MemorySegment src, long offset, long length) {
        if (length == 0) {
            return true;
        }
        long buf = get(st, bufAt);
        long start = get(st, startAt);
        long end = get(st, endAt);
        long cap = get(st, capAt);
        if (end + length > cap) {
            if (start > 0) { // move what is left to the front first
                MemorySegment.copy(ALL, buf + start, ALL, buf, end - start);
                end -= start;
                start = 0;
            }
            if (end + length > cap) {
                // Doubling (a flight arrives in several writes), from a small first size: the
                // storage goes again once drained, so its size never stays with an idle connection.
                long wanted = Math.max(end + length, Math.max(MIN_STORAGE, Math.min(2 * cap, cap + (1 << 20))));
                MemorySegment grown = CryptoCalls.CRYPTO_realloc(MemorySegment.ofAddress(buf), wanted, MemorySegment.NULL, 0);
                if (Types.isNull(grown)) {
                    return false; // the old buffer is still whole and still recorded
                }
                buf = grown.address();
                cap = wanted;
            }
        }
        MemorySegment.copy(src, offset, ALL, buf + end, length);
        set(st, bufAt, buf);
        set(st, startAt, start);
        set(st, endAt, end + length);
        set(st, capAt, cap);
        set(st, countAt, get(st, countAt) + length);
        return true;
    }

    /** Moves up to {@code max} stored bytes to {@code dst} at {@code offset} (an address when {@code dst} is {@link #ALL}). */
    private static long take(long st, long bufAt, long startAt, long endAt, long capAt,
                             MemorySegment dst, long offset, long max) {
        long start = get(st, startAt);
        long n = Math.min(max, get(st, endAt) - start);
        if (n <= 0) {
            return 0;
        }
        MemorySegment.copy(ALL, get(st, bufAt) + start, dst, offset, n);
        if (start + n == get(st, endAt)) {
            release(st, bufAt, startAt, endAt, capAt); // exists only while it holds bytes
        } else {
            set(st, startAt, start + n);
        }
        return n;
    }

    private static void release(long st, long bufAt, long startAt, long endAt, long capAt) {
        long buf = get(st, bufAt);
        set(st, bufAt, 0);
        set(st, startAt, 0);
        set(st, endAt, 0);
        set(st, capAt, 0);
        if (buf != 0) {
            CryptoCalls.CRYPTO_free(MemorySegment.ofAddress(buf), MemorySegment.NULL, 0);
        }
    }

    // ------------------------------------------------------------------ upcalls (libssl's side)

    /** {@code int bread(BIO *, char *, size_t, size_t *)}: stored input first, then the loan; none: retry. */
    static int readEx(long bio, long data, long dlen, long readbytes) {
        long st = 0;
        try {
            st = BioCalls.BIO_get_data(bio);
            clearRetry(bio, st);
            long n = take(st, IN_BUF, IN_START, IN_END, IN_CAP, ALL, data, dlen);
            long lent = get(st, LENT_IN);
            if (n < dlen && lent != 0) {
                long pos = get(st, LENT_IN_POS);
                long m = Math.min(dlen - n, get(st, LENT_IN_LEN) - pos);
                if (m > 0) {
                    MemorySegment.copy(ALL, lent + pos, ALL, data + n, m);
                    set(st, LENT_IN_POS, pos + m);
                    n += m;
                }
            }
            ALL.set(ValueLayout.JAVA_LONG, readbytes, n);
            if (n == 0) { // as an empty memory BIO with eof_return -1: "try again" (SSL: WANT_READ)
                BioCalls.BIO_set_flags(bio, BioCalls.BIO_FLAGS_READ | BioCalls.BIO_FLAGS_SHOULD_RETRY);
                set(st, RETRY_SET, 1);
                return 0;
            }
            return 1;
        } catch (Throwable t) {
            return failed(st, FAILED_EXCEPTION);
        }
    }

    /** {@code int bwrite(BIO *, const char *, size_t, size_t *)}: into the loan, the rest (or all, without one) stored. */
    static int writeEx(long bio, long data, long dlen, long written) {
        long st = 0;
        try {
            st = BioCalls.BIO_get_data(bio);
            clearRetry(bio, st);
            long n = 0;
            long lent = get(st, LENT_OUT);
            // Into the loan only while nothing is stored: stored bytes were produced first.
            if (lent != 0 && outPending(st) == 0) {
                long pos = get(st, LENT_OUT_POS);
                n = Math.min(dlen, get(st, LENT_OUT_CAP) - pos);
                if (n > 0) {
                    MemorySegment.copy(ALL, data, ALL, lent + pos, n);
                    set(st, LENT_OUT_POS, pos + n);
                }
            }
            if (n < dlen && !append(st, OUT_BUF, OUT_START, OUT_END, OUT_CAP, STAGED_OUT, ALL, data + n, dlen - n)) {
                return failed(st, FAILED_MEMORY); // the loan's part stays: the connection fails anyway
            }
            ALL.set(ValueLayout.JAVA_LONG, written, dlen);
            return 1;
        } catch (Throwable t) {
            return failed(st, FAILED_EXCEPTION);
        }
    }

    /**
     * Clears the retry flags, as every memory BIO read and write does first, but only when this
     * BIO set them (nothing else does): a downcall saved on almost every upcall.
     */
    private static void clearRetry(long bio, long st) {
        if (get(st, RETRY_SET) != 0) {
            BioCalls.BIO_clear_flags(bio, BioCalls.BIO_FLAGS_RWS | BioCalls.BIO_FLAGS_SHOULD_RETRY);
            set(st, RETRY_SET, 0);
        }
    }

    /** {@code long ctrl(BIO *, int, long, void *)}, where the null BIO's is missing: the same answers. */
    static long ctrl(long bio, int cmd, long num, long ptr) {
        try {
            return switch (cmd) {
                case BioCalls.BIO_CTRL_FLUSH, BioCalls.BIO_CTRL_DUP, BioCalls.BIO_CTRL_RESET,
                     BioCalls.BIO_CTRL_SET_CLOSE, BioCalls.BIO_CTRL_EOF -> 1;
                default -> 0; // PENDING, WPENDING, GET_CLOSE, PUSH/POP, datagram, kTLS, ...
            };
        } catch (Throwable t) {
            return 0;
        }
    }

    /** {@code int destroy(BIO *)}: frees the struct and its storage, once (the BIO's last reference). */
    static int destroy(long bio) {
        try {
            long st = BioCalls.BIO_get_data(bio);
            if (st == 0) {
                return 1;
            }
            release(st, IN_BUF, IN_START, IN_END, IN_CAP);
            release(st, OUT_BUF, OUT_START, OUT_END, OUT_CAP);
            MemorySegment raw = MemorySegment.ofAddress(bio);
            BioCalls.BIO_set_data(raw, MemorySegment.NULL);
            BioCalls.BIO_set_init(raw, 0);
            CryptoCalls.CRYPTO_free(MemorySegment.ofAddress(st), MemorySegment.NULL, 0);
            return 1;
        } catch (Throwable t) {
            return 0;
        }
    }

    private static int failed(long st, long why) {
        try {
            if (st != 0) {
                set(st, FAILED, why);
            }
        } catch (Throwable ignored) {
            // nothing more to do: the call fails without a retry flag either way
        }
        return 0;
    }
}
