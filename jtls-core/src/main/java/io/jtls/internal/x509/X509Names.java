package io.jtls.internal.x509;

import io.jtls.internal.openssl.NativeHandle;
import io.jtls.internal.openssl.NativeKind;
import io.jtls.internal.openssl.Types;
import io.jtls.internal.openssl.X509FieldCalls;
import io.jtls.x509.DistinguishedName;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an {@code X509_NAME} as Node's {@code GetX509NameObject} (src/crypto/crypto_common.cc):
 * each entry keyed by OpenSSL's short name ({@code OBJ_nid2sn}), or the dotted OID for types
 * OpenSSL does not know; values converted to UTF-8 with {@code ASN1_STRING_to_UTF8} and not
 * escaped.
 */
final class X509Names {
    private X509Names() {}

    /** Node's buffer for an unknown type's dotted OID. */
    private static final int OID_BUFFER = 80;

    /**
     * The name's entries in order; null where Node gives {@code undefined} (a value that
     * cannot be converted to UTF-8).
     */
    static DistinguishedName read(MemorySegment name) {
        if (Types.isNull(name)) {
            return null;
        }
        int count = X509FieldCalls.X509_NAME_entry_count(name);
        List<DistinguishedName.Entry> entries = new ArrayList<>(Math.max(count, 0));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            for (int i = 0; i < count; i++) {
                out.set(ValueLayout.ADDRESS, 0, MemorySegment.NULL);
                MemorySegment entry = X509FieldCalls.X509_NAME_get_entry(name, i);
                String type = typeName(arena, X509FieldCalls.X509_NAME_ENTRY_get_object(entry));
                int length = X509FieldCalls.ASN1_STRING_to_UTF8(out, X509FieldCalls.X509_NAME_ENTRY_get_data(entry));
                if (length < 0) {
                    return null;
                }
                MemorySegment utf8Pointer = out.get(ValueLayout.ADDRESS, 0);
                if (Types.isNull(utf8Pointer)) {
                    entries.add(new DistinguishedName.Entry(type, ""));
                    continue;
                }
                try (NativeHandle utf8 = NativeHandle.scoped(NativeKind.OPENSSL_MEMORY, utf8Pointer)) {
                    String value = new String(Types.bytes(utf8.get(), length), StandardCharsets.UTF_8);
                    entries.add(new DistinguishedName.Entry(type, value));
                }
            }
        }
        return DistinguishedName.of(entries);
    }

    /** OpenSSL's short name of an object, or its dotted OID when it has no NID. */
    static String typeName(Arena arena, MemorySegment object) {
        int nid = X509FieldCalls.OBJ_obj2nid(object);
        if (nid != X509FieldCalls.NID_undef) {
            String sn = Types.cString(X509FieldCalls.OBJ_nid2sn(nid));
            if (sn != null) {
                return sn;
            }
        }
        return oidText(arena, object, OID_BUFFER);
    }

    /** {@code OBJ_obj2txt(buf, size, obj, 1)}: the dotted OID, truncated to the buffer as in C. */
    static String oidText(Arena arena, MemorySegment object, int bufferSize) {
        MemorySegment buf = arena.allocate(bufferSize);
        if (X509FieldCalls.OBJ_obj2txt(buf, bufferSize, object, 1) < 0) {
            return null;
        }
        return buf.getString(0);
    }
}
