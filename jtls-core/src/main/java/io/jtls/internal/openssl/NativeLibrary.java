package io.jtls.internal.openssl;

import io.jtls.error.OpenSslUnavailableException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Loads the system's {@code libcrypto.so.3} and {@code libssl.so.3} once per process and
 * makes downcall and upcall handles against them.
 *
 * <p>The location can be overridden, most specific first:
 * <ul>
 *   <li>system properties {@code jtls.openssl.libcrypto} and {@code jtls.openssl.libssl}
 *       (full paths of the two libraries);</li>
 *   <li>system property {@code jtls.openssl.dir} or environment variable
 *       {@code JTLS_OPENSSL_DIR}: a folder holding both;</li>
 *   <li>otherwise the dynamic linker finds them by soname, as for any program.</li>
 * </ul>
 * Once loaded, OpenSSL is initialised with its configuration as Node does it
 * ({@link OpenSslConfig}: the {@code nodejs_conf} section).
 * OpenSSL older than 3.0 is refused: jtls uses the 3.0 API (providers, {@code ERR_get_error_all},
 * {@code EVP_PKEY_get_*}) throughout.
 *
 * <p>When loading fails the failure is kept, not thrown from class initialisation: every
 * binding class still initialises, and each downcall then throws a new
 * {@link OpenSslUnavailableException} with the same message. A class whose initialisation
 * failed would give {@code NoClassDefFoundError} on every later use instead of the reason.
 */
public final class NativeLibrary {
    /** The oldest OpenSSL accepted: 3.0.0, as {@code OPENSSL_VERSION_NUMBER} encodes it. */
    public static final long MIN_VERSION_NUMBER = 0x30000000L;

    static final Linker LINKER = Linker.nativeLinker();
    /** Why OpenSSL is unusable in this process, or null when it loaded. */
    private static final OpenSslUnavailableException FAILURE;
    /** The two libraries; finds nothing when {@link #FAILURE} is set. */
    private static final SymbolLookup LOOKUP;

    static {
        OpenSslUnavailableException failure = null;
        SymbolLookup lookup = name -> Optional.empty();
        try {
            SymbolLookup loaded = load();
            // Before any other OpenSSL call: the first OPENSSL_init_crypto that loads a
            // configuration is the only one that does (OpenSSL runs it once per process).
            OpenSslConfig.initialise(loaded);
            lookup = loaded;
        } catch (OpenSslUnavailableException e) {
            failure = e;
        }
        FAILURE = failure;
        LOOKUP = lookup;
    }

    private NativeLibrary() {}

    private static SymbolLookup load() {
        String dir = firstNonBlank(System.getProperty("jtls.openssl.dir"), System.getenv("JTLS_OPENSSL_DIR"));
        String crypto = firstNonBlank(System.getProperty("jtls.openssl.libcrypto"),
                dir == null ? null : Path.of(dir, "libcrypto.so.3").toString(), "libcrypto.so.3");
        String ssl = firstNonBlank(System.getProperty("jtls.openssl.libssl"),
                dir == null ? null : Path.of(dir, "libssl.so.3").toString(), "libssl.so.3");
        SymbolLookup cryptoLookup = open(crypto);
        SymbolLookup sslLookup = open(ssl);
        // The version comes from libcrypto itself: a lookup through libssl would find the
        // symbol in whatever libcrypto the dynamic linker gave libssl.
        checkVersion(cryptoLookup, crypto);
        return sslLookup.or(cryptoLookup);
    }

    private static SymbolLookup open(String nameOrPath) {
        try {
            if (nameOrPath.indexOf('/') >= 0) {
                Path path = Path.of(nameOrPath);
                if (!Files.exists(path)) {
                    throw new IllegalArgumentException("no such file: " + path);
                }
                return SymbolLookup.libraryLookup(path, Arena.global());
            }
            return SymbolLookup.libraryLookup(nameOrPath, Arena.global());
        } catch (IllegalArgumentException | IllegalCallerException e) {
            throw new OpenSslUnavailableException("jtls needs OpenSSL 3 and could not load " + nameOrPath
                    + " (" + e.getMessage() + "). Install OpenSSL 3 (Debian/Ubuntu: apt-get install libssl3;"
                    + " Fedora: dnf install openssl-libs) or point JTLS_OPENSSL_DIR / -Djtls.openssl.dir"
                    + " at the folder holding libssl.so.3 and libcrypto.so.3.", e);
        }
    }

    private static void checkVersion(SymbolLookup lookup, String library) {
        MemorySegment fn = lookup.find("OpenSSL_version_num").orElseThrow(() ->
                new OpenSslUnavailableException(library + " has no OpenSSL_version_num: not OpenSSL 3"));
        long version;
        try {
            version = (long) LINKER.downcallHandle(fn, FunctionDescriptor.of(Types.C_LONG)).invokeExact();
        } catch (Throwable t) {
            throw new OpenSslUnavailableException("cannot call OpenSSL_version_num", t);
        }
        if (version < MIN_VERSION_NUMBER) {
            throw new OpenSslUnavailableException(String.format(
                    "jtls needs OpenSSL 3.0 or newer; %s reports version 0x%08x."
                    + " Install OpenSSL 3 or point JTLS_OPENSSL_DIR at it.", library, version));
        }
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }

    /**
     * Throws {@link OpenSslUnavailableException} when OpenSSL 3 could not be loaded: a new
     * exception on each call, with the message of the first failure (and it as the cause).
     */
    public static void ensureLoaded() {
        if (FAILURE != null) {
            throw unavailable();
        }
    }

    /** Whether OpenSSL 3 loaded (and its configuration was applied) in this process. */
    public static boolean isLoaded() {
        return FAILURE == null;
    }

    /** A fresh exception telling why OpenSSL is unavailable; only when {@link #isLoaded()} is false. */
    static OpenSslUnavailableException unavailable() {
        return new OpenSslUnavailableException(FAILURE.getMessage(), FAILURE);
    }

    /** The address of a symbol, if the loaded libraries export it (for optional features). */
    public static Optional<MemorySegment> find(String symbol) {
        return LOOKUP.find(symbol);
    }

    /** A downcall handle for a function that must exist. */
    public static MethodHandle downcall(String symbol, FunctionDescriptor descriptor, Linker.Option... options) {
        if (FAILURE != null) {
            return throwing(descriptor, UNAVAILABLE);
        }
        MemorySegment address = LOOKUP.find(symbol).orElseThrow(() ->
                new OpenSslUnavailableException("OpenSSL symbol not found: " + symbol));
        return NativeCallCounts.counting(symbol, LINKER.downcallHandle(address, descriptor, options));
    }

    private static final MethodHandle UNAVAILABLE;

    static {
        try {
            UNAVAILABLE = MethodHandles.lookup().findStatic(NativeLibrary.class, "unavailable",
                    MethodType.methodType(OpenSslUnavailableException.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A handle of the descriptor's type that throws what {@code factory} makes, anew on each call. */
    private static MethodHandle throwing(FunctionDescriptor descriptor, MethodHandle factory) {
        MethodType type = descriptor.toMethodType();
        MethodHandle thrower = MethodHandles.throwException(type.returnType(), OpenSslUnavailableException.class);
        thrower = MethodHandles.collectArguments(thrower, 0, factory);
        return MethodHandles.dropArguments(thrower, 0, type.parameterList());
    }

    /**
     * A downcall handle for a function that may be missing in some builds (engines, for one);
     * calling a missing one throws {@link UnsupportedOperationException}.
     */
    public static MethodHandle optionalDowncall(String symbol, FunctionDescriptor descriptor) {
        if (FAILURE != null) {
            return throwing(descriptor, UNAVAILABLE);
        }
        Optional<MemorySegment> address = LOOKUP.find(symbol);
        if (address.isPresent()) {
            return NativeCallCounts.counting(symbol, LINKER.downcallHandle(address.get(), descriptor));
        }
        MethodHandle thrower = MethodHandles.throwException(descriptor.toMethodType().returnType(),
                UnsupportedOperationException.class);
        thrower = MethodHandles.foldArguments(thrower,
                MethodHandles.constant(UnsupportedOperationException.class,
                        new UnsupportedOperationException("this OpenSSL build has no " + symbol)));
        MethodType type = descriptor.toMethodType();
        return MethodHandles.dropArguments(thrower, 0, type.parameterList());
    }

    /**
     * An upcall stub for a static Java method, allocated in the global arena: stubs are made
     * once per process (class initialisation of the callback's holder), never per connection.
     */
    public static MemorySegment upcall(Class<?> owner, String method, FunctionDescriptor descriptor) {
        try {
            MethodHandle target = MethodHandles.lookup().in(owner).findStatic(owner, method, descriptor.toMethodType());
            target = NativeCallCounts.counting("up:" + owner.getSimpleName() + "." + method, target);
            return LINKER.upcallStub(target, descriptor, Arena.global());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("bad upcall target " + owner.getName() + "." + method, e);
        }
    }

    /** An upcall stub for a method handle (the handle's type must match the descriptor). */
    public static MemorySegment upcall(MethodHandle target, FunctionDescriptor descriptor) {
        return LINKER.upcallStub(NativeCallCounts.counting("up:" + target.type(), target), descriptor, Arena.global());
    }

    /** Wraps a {@code Throwable} from {@code invokeExact}; downcalls themselves never throw checked exceptions. */
    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException re) {
            return re;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }
}
