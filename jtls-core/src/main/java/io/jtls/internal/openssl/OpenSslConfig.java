package io.jtls.internal.openssl;

import static io.jtls.internal.openssl.Types.C_INT;
import static io.jtls.internal.openssl.Types.C_LONG;
import static io.jtls.internal.openssl.Types.C_POINTER;

import io.jtls.error.OpenSslUnavailableException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.util.Locale;

/**
 * OpenSSL's configuration as Node reads it: once per process, before any other OpenSSL call
 * ({@link NativeLibrary} runs {@link #initialise()} as soon as the libraries are loaded),
 * {@code OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CONFIG)} with the section (the "appname")
 * {@code nodejs_conf}, and without OpenSSL's fallback to the {@code openssl_conf} section. A
 * distribution's system-wide settings under {@code openssl_conf} therefore do not apply, as in
 * Node; a config file with a {@code nodejs_conf} section does.
 *
 * <p>Node's switches, as system properties (or environment variables):
 * <ul>
 *   <li>{@code --openssl-config=file}: {@code jtls.openssl.config}
 *       ({@code JTLS_OPENSSL_CONFIG}); else {@code OPENSSL_CONF}, as Node; else OpenSSL's
 *       default file ({@code openssl.cnf} in {@code OPENSSLDIR}). A missing file is no error.</li>
 *   <li>{@code --openssl-shared-config}: {@code jtls.openssl.sharedConfig=true}
 *       ({@code JTLS_OPENSSL_SHARED_CONFIG=1}): read the {@code openssl_conf} section, the one
 *       every other OpenSSL program on the machine reads.</li>
 * </ul>
 * A configuration that OpenSSL rejects stops jtls from loading (Node exits with
 * "OpenSSL configuration error").
 *
 * <p>The security level. Node's bundled OpenSSL 3.0 is built with level 1, OpenSSL's own
 * default; distributions build theirs with level 2 (Debian's {@code libssl3} has it compiled
 * in, as {@code OPENSSL_TLS_SECURITY_LEVEL=2}), so a 1024-bit {@code dhparam} or RSA key that
 * Node accepts would fail in jtls. Unless the section jtls read configures libssl's
 * {@code system_default} with a {@code CipherString} that sets {@code @SECLEVEL} (then that
 * configuration decides, as in Node), every context starts at level 1; a {@code ciphers} option
 * with {@code @SECLEVEL=n} still sets its own.
 */
public final class OpenSslConfig {
    private OpenSslConfig() {}

    /** Node's appname. */
    public static final String NODE_SECTION = "nodejs_conf";
    /** OpenSSL's default appname, the one {@code --openssl-shared-config} selects. */
    public static final String SHARED_SECTION = "openssl_conf";
    /** Node's bundled OpenSSL 3.0 default ({@code OPENSSL_TLS_SECURITY_LEVEL}). */
    public static final int NODE_SECURITY_LEVEL = 1;

    private static volatile Settings settings;

    /** What was applied: the file (null for OpenSSL's default), the section, and the level rule. */
    public record Settings(String file, String section, boolean pinsSecurityLevel) {}

    /** {@code # define OPENSSL_INIT_LOAD_CONFIG 0x00000040L} */
    private static final long OPENSSL_INIT_LOAD_CONFIG = 0x40L;
    /** {@code #define CONF_MFLAGS_IGNORE_MISSING_FILE 0x10} */
    private static final long CONF_MFLAGS_IGNORE_MISSING_FILE = 0x10L;

    /**
     * Called once by {@link NativeLibrary} while it initialises. The calls are made through
     * handles of their own, not the generated binding: this runs inside NativeLibrary's class
     * initialisation, possibly triggered by a binding class that is itself still initialising.
     */
    static void initialise(SymbolLookup lookup) {
        Raw raw = new Raw(lookup);
        String file = firstNonBlank(System.getProperty("jtls.openssl.config"), System.getenv("JTLS_OPENSSL_CONFIG"),
                System.getenv("OPENSSL_CONF"));
        String shared = firstNonBlank(System.getProperty("jtls.openssl.sharedConfig"),
                System.getenv("JTLS_OPENSSL_SHARED_CONFIG"));
        boolean sharedConfig = shared != null && (shared.equalsIgnoreCase("true") || shared.equals("1"));
        String section = sharedConfig ? SHARED_SECTION : NODE_SECTION;
        raw.voidCall("ERR_clear_error", FunctionDescriptor.ofVoid());
        MemorySegment init = (MemorySegment) raw.call("OPENSSL_INIT_new", FunctionDescriptor.of(C_POINTER));
        if (Types.isNull(init)) {
            throw new OpenSslUnavailableException("OpenSSL could not allocate its init settings");
        }
        try (Arena arena = Arena.ofConfined()) {
            if (file != null) {
                raw.call("OPENSSL_INIT_set_config_filename", FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER),
                        init, arena.allocateFrom(file));
            }
            raw.call("OPENSSL_INIT_set_config_appname", FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER),
                    init, arena.allocateFrom(section));
            // Without CONF_MFLAGS_DEFAULT_SECTION: no fallback to openssl_conf when the section is absent.
            raw.voidCall("OPENSSL_INIT_set_config_file_flags", FunctionDescriptor.ofVoid(C_POINTER, C_LONG),
                    init, CONF_MFLAGS_IGNORE_MISSING_FILE);
            raw.call("OPENSSL_init_crypto", FunctionDescriptor.of(C_INT, C_LONG, C_POINTER),
                    OPENSSL_INIT_LOAD_CONFIG, init);
        } finally {
            raw.voidCall("OPENSSL_INIT_free", FunctionDescriptor.ofVoid(C_POINTER), init);
        }
        long error = (long) raw.call("ERR_peek_error", FunctionDescriptor.of(C_LONG));
        if (error != 0) {
            StringBuilder text = new StringBuilder("OpenSSL configuration error:");
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment buffer = arena.allocate(256);
                long e;
                while ((e = (long) raw.call("ERR_get_error", FunctionDescriptor.of(C_LONG))) != 0) {
                    raw.voidCall("ERR_error_string_n", FunctionDescriptor.ofVoid(C_LONG, C_POINTER, C_LONG),
                            e, buffer, 256L);
                    text.append('\n').append(buffer.getString(0));
                }
            }
            throw new OpenSslUnavailableException(text.toString());
        }
        settings = new Settings(file, section, !setsSecurityLevel(raw, file, section));
        raw.voidCall("ERR_clear_error", FunctionDescriptor.ofVoid());
    }

    /** What {@link #initialise} applied. */
    public static Settings settings() {
        NativeLibrary.ensureLoaded();
        return settings;
    }

    /** True when every new context should start at {@link #NODE_SECURITY_LEVEL}. */
    public static boolean pinsSecurityLevel() {
        return settings().pinsSecurityLevel();
    }

    /**
     * Reads the file as OpenSSL did and follows section -> {@code ssl_conf} ->
     * {@code system_default} -> {@code CipherString}: true when it names a security level.
     */
    private static boolean setsSecurityLevel(Raw raw, String file, String section) {
        MemorySegment defaultFile = MemorySegment.NULL;
        MemorySegment conf = MemorySegment.NULL;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment path;
            if (file != null) {
                path = arena.allocateFrom(file);
            } else {
                defaultFile = (MemorySegment) raw.call("CONF_get1_default_config_file", FunctionDescriptor.of(C_POINTER));
                path = defaultFile;
            }
            if (Types.isNull(path)) {
                return false;
            }
            conf = (MemorySegment) raw.call("NCONF_new", FunctionDescriptor.of(C_POINTER, C_POINTER), MemorySegment.NULL);
            MemorySegment line = arena.allocate(ValueLayout.JAVA_LONG);
            if (Types.isNull(conf) || (int) raw.call("NCONF_load",
                    FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER), conf, path, line) != 1) {
                return false; // missing or unreadable: OpenSSL applied nothing either
            }
            String app = value(raw, arena, conf, null, section);
            String ssl = app == null ? null : value(raw, arena, conf, app, "ssl_conf");
            String system = ssl == null ? null : value(raw, arena, conf, ssl, "system_default");
            String cipherString = system == null ? null : value(raw, arena, conf, system, "CipherString");
            return cipherString != null && cipherString.toUpperCase(Locale.ROOT).contains("@SECLEVEL=");
        } finally {
            if (!Types.isNull(conf)) {
                raw.voidCall("NCONF_free", FunctionDescriptor.ofVoid(C_POINTER), conf);
            }
            if (!Types.isNull(defaultFile)) {
                raw.voidCall("CRYPTO_free", FunctionDescriptor.ofVoid(C_POINTER, C_POINTER, C_INT),
                        defaultFile, MemorySegment.NULL, 0);
            }
            raw.voidCall("ERR_clear_error", FunctionDescriptor.ofVoid()); // a missing name queues an error
        }
    }

    private static String value(Raw raw, Arena arena, MemorySegment conf, String group, String name) {
        MemorySegment v = (MemorySegment) raw.call("NCONF_get_string",
                FunctionDescriptor.of(C_POINTER, C_POINTER, C_POINTER, C_POINTER),
                conf, group == null ? MemorySegment.NULL : arena.allocateFrom(group), arena.allocateFrom(name));
        return Types.isNull(v) ? null : Types.cString(v);
    }

    /** Downcalls made on the spot from the lookup (a handful, once per process). */
    private record Raw(SymbolLookup lookup) {
        Object call(String name, FunctionDescriptor descriptor, Object... args) {
            MemorySegment address = lookup.find(name).orElseThrow(() ->
                    new OpenSslUnavailableException("OpenSSL symbol not found: " + name));
            try {
                return NativeLibrary.LINKER.downcallHandle(address, descriptor).invokeWithArguments(args);
            } catch (Throwable t) {
                throw NativeLibrary.rethrow(t);
            }
        }

        void voidCall(String name, FunctionDescriptor descriptor, Object... args) {
            call(name, descriptor, args);
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
}
