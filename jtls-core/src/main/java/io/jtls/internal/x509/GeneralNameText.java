package io.jtls.internal.x509;

import io.jtls.internal.openssl.Bios;
import io.jtls.internal.openssl.NativeHandle;
import io.jtls.internal.openssl.NativeKind;
import io.jtls.internal.openssl.StackCalls;
import io.jtls.internal.openssl.Types;
import io.jtls.internal.openssl.X509FieldCalls;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * The text of the subjectAltName and authorityInfoAccess extensions exactly as Node prints it
 * ({@code SafeX509SubjectAltNamePrint}, {@code SafeX509InfoAccessPrint} and
 * {@code PrintGeneralName} in src/crypto/crypto_common.cc), not as OpenSSL's
 * {@code X509V3_EXT_print} does: a name that holds a comma, quote, apostrophe, backslash or
 * control character is written as a JSON string ({@code URI:"http://x/a\u002cb"}) so that
 * the list can be split unambiguously; IP addresses, registered IDs and other names use
 * Node's own formats.
 *
 * <p>Output is collected as bytes and decoded as UTF-8 at the end, as Node reads its BIO.
 */
final class GeneralNameText {
    private GeneralNameText() {}

    /** Node's buffer for {@code i2t_ASN1_OBJECT} of an access method. */
    private static final int METHOD_BUFFER = 80;
    /** Node's buffer for {@code OBJ_obj2txt} of a registered ID. */
    private static final int RID_BUFFER = 256;
    /** Node's {@code kX509NameFlagsRFC2253WithinUtf8JSON}. */
    private static final long DIRNAME_FLAGS =
            X509FieldCalls.XN_FLAG_RFC2253 & ~X509FieldCalls.ASN1_STRFLGS_ESC_MSB & ~X509FieldCalls.ASN1_STRFLGS_ESC_CTRL;

    /**
     * Node's {@code subjectaltname}: {@code null} without the extension or when it cannot be
     * decoded (Node: {@code undefined} / {@code null}).
     */
    static String subjectAltName(MemorySegment x509) {
        int index = X509FieldCalls.X509_get_ext_by_NID(x509, X509FieldCalls.NID_subject_alt_name, -1);
        if (index < 0) {
            return null;
        }
        MemorySegment names = X509FieldCalls.X509V3_EXT_d2i(X509FieldCalls.X509_get_ext(x509, index));
        if (Types.isNull(names)) {
            return null;
        }
        try (NativeHandle owned = NativeHandle.scoped(NativeKind.GENERAL_NAMES, names);
                Arena arena = Arena.ofConfined()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int count = StackCalls.sk_num(owned.get());
            for (int i = 0; i < count; i++) {
                if (i != 0) {
                    ascii(out, ", ");
                }
                if (!printGeneralName(arena, out, StackCalls.sk_value(owned.get(), i))) {
                    return null;
                }
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    /**
     * The text Node's binding gives for {@code infoAccess} before {@code translatePeerCertificate}
     * turns it into an object: one {@code "<method> - <name>"} line per access description,
     * joined by {@code '\n'}. {@code null} without the extension or when it cannot be decoded.
     */
    static String infoAccess(MemorySegment x509) {
        int index = X509FieldCalls.X509_get_ext_by_NID(x509, X509FieldCalls.NID_info_access, -1);
        if (index < 0) {
            return null;
        }
        MemorySegment descriptions = X509FieldCalls.X509V3_EXT_d2i(X509FieldCalls.X509_get_ext(x509, index));
        if (Types.isNull(descriptions)) {
            return null;
        }
        try (NativeHandle owned = NativeHandle.scoped(NativeKind.AUTHORITY_INFO_ACCESS, descriptions);
                Arena arena = Arena.ofConfined()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int count = StackCalls.sk_num(owned.get());
            MemorySegment method = arena.allocate(METHOD_BUFFER);
            for (int i = 0; i < count; i++) {
                MemorySegment description = StackCalls.sk_value(owned.get(), i).reinterpret(16);
                if (i != 0) {
                    ascii(out, "\n");
                }
                method.set(ValueLayout.JAVA_BYTE, 0, (byte) 0);
                X509FieldCalls.i2t_ASN1_OBJECT(method, METHOD_BUFFER, description.get(ValueLayout.ADDRESS, 0));
                ascii(out, method.getString(0) + " - ");
                MemorySegment location = description.get(ValueLayout.ADDRESS,
                        X509FieldCalls.ACCESS_DESCRIPTION_LOCATION_OFFSET);
                if (!printGeneralName(arena, out, location)) {
                    return null;
                }
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    /** Node's {@code PrintGeneralName}; false where Node fails the whole extension. */
    private static boolean printGeneralName(Arena arena, ByteArrayOutputStream out, MemorySegment gen) {
        MemorySegment typeOut = arena.allocate(ValueLayout.JAVA_INT);
        MemorySegment value = X509FieldCalls.GENERAL_NAME_get0_value(gen, typeOut);
        int type = typeOut.get(ValueLayout.JAVA_INT, 0);
        switch (type) {
            case X509FieldCalls.GEN_DNS -> {
                ascii(out, "DNS:");
                printAltName(out, stringBytes(value), false, null);
            }
            case X509FieldCalls.GEN_EMAIL -> {
                ascii(out, "email:");
                printAltName(out, stringBytes(value), false, null);
            }
            case X509FieldCalls.GEN_URI -> {
                ascii(out, "URI:");
                printAltName(out, stringBytes(value), false, null);
            }
            case X509FieldCalls.GEN_DIRNAME -> {
                ascii(out, "DirName:");
                try (NativeHandle bio = NativeHandle.scoped(NativeKind.BIO, Bios.newMemoryRaw())) {
                    if (X509FieldCalls.X509_NAME_print_ex(bio.get(), value, 0, DIRNAME_FLAGS) < 0) {
                        return false;
                    }
                    printAltName(out, Bios.contents(bio), true, null);
                }
            }
            case X509FieldCalls.GEN_IPADD -> {
                ascii(out, "IP Address:");
                ascii(out, ipText(stringBytes(value)));
            }
            case X509FieldCalls.GEN_RID -> ascii(out, "Registered ID:" + X509Names.oidText(arena, value, RID_BUFFER));
            case X509FieldCalls.GEN_OTHERNAME -> printOtherName(arena, out, gen);
            case X509FieldCalls.GEN_X400 -> ascii(out, "X400Name:<unsupported>");
            case X509FieldCalls.GEN_EDIPARTY -> ascii(out, "EdiPartyName:<unsupported>");
            default -> {
                return false;
            }
        }
        return true;
    }

    /** Node's format for other names: a few known types with a string value, else unsupported. */
    private static void printOtherName(Arena arena, ByteArrayOutputStream out, MemorySegment gen) {
        MemorySegment oidOut = arena.allocate(ValueLayout.ADDRESS);
        MemorySegment valueOut = arena.allocate(ValueLayout.ADDRESS);
        X509FieldCalls.GENERAL_NAME_get0_otherName(gen, oidOut, valueOut);
        String prefix;
        boolean unicode = true;
        switch (X509FieldCalls.OBJ_obj2nid(oidOut.get(ValueLayout.ADDRESS, 0))) {
            case X509FieldCalls.NID_id_on_SmtpUTF8Mailbox -> prefix = "SmtpUTF8Mailbox";
            case X509FieldCalls.NID_XmppAddr -> prefix = "XmppAddr";
            case X509FieldCalls.NID_SRVName -> {
                prefix = "SRVName";
                unicode = false;
            }
            case X509FieldCalls.NID_ms_upn -> prefix = "UPN";
            case X509FieldCalls.NID_NAIRealm -> prefix = "NAIRealm";
            default -> prefix = null;
        }
        MemorySegment asn1Type = valueOut.get(ValueLayout.ADDRESS, 0).reinterpret(16);
        int valueType = asn1Type.get(ValueLayout.JAVA_INT, 0);
        int wanted = unicode ? X509FieldCalls.V_ASN1_UTF8STRING : X509FieldCalls.V_ASN1_IA5STRING;
        if (prefix == null || valueType != wanted) {
            ascii(out, "othername:<unsupported>");
            return;
        }
        ascii(out, "othername:");
        MemorySegment string = asn1Type.get(ValueLayout.ADDRESS, X509FieldCalls.ASN1_TYPE_VALUE_OFFSET);
        printAltName(out, stringBytes(string), unicode, prefix);
    }

    /** Node's {@code PrintAltName}: the name as is when safe, else a JSON string literal. */
    static void printAltName(ByteArrayOutputStream out, byte[] name, boolean utf8, String safePrefix) {
        if (isSafe(name, utf8)) {
            if (safePrefix != null) {
                ascii(out, safePrefix + ":");
            }
            out.writeBytes(name);
            return;
        }
        out.write('"');
        if (safePrefix != null) {
            ascii(out, safePrefix + ":");
        }
        for (byte b : name) {
            int c = b & 0xff;
            if (c == '\\') {
                ascii(out, "\\\\");
            } else if (c == '"') {
                ascii(out, "\\\"");
            } else if ((c >= ' ' && c != ',' && c <= '~') || (utf8 && c >= 0x80)) {
                out.write(c);
            } else {
                // Control or (in a Latin-1 name) non-ASCII byte, and commas: \\u00XX.
                ascii(out, String.format("\\u00%02x", c));
            }
        }
        out.write('"');
    }

    /** Node's {@code IsSafeAltName}. */
    private static boolean isSafe(byte[] name, boolean utf8) {
        for (byte b : name) {
            int c = b & 0xff;
            if (c == '"' || c == '\\' || c == ',' || c == '\'') {
                return false;
            }
            if (utf8 ? (c < ' ' || c == 0x7f) : (c < ' ' || c > '~')) {
                return false;
            }
        }
        return true;
    }

    /** Node's IP address text: dotted quad, eight {@code %X} groups, or the invalid length. */
    static String ipText(byte[] ip) {
        if (ip.length == 4) {
            return (ip[0] & 0xff) + "." + (ip[1] & 0xff) + "." + (ip[2] & 0xff) + "." + (ip[3] & 0xff);
        }
        if (ip.length == 16) {
            StringBuilder sb = new StringBuilder(39);
            for (int j = 0; j < 8; j++) {
                int pair = ((ip[2 * j] & 0xff) << 8) | (ip[2 * j + 1] & 0xff);
                sb.append(j == 0 ? "" : ":").append(Integer.toHexString(pair).toUpperCase(java.util.Locale.ROOT));
            }
            return sb.toString();
        }
        return "<invalid length=" + ip.length + ">";
    }

    /** The bytes of an {@code ASN1_STRING}. */
    static byte[] stringBytes(MemorySegment asn1String) {
        int length = X509FieldCalls.ASN1_STRING_length(asn1String);
        if (length <= 0) {
            return new byte[0];
        }
        return Types.bytes(X509FieldCalls.ASN1_STRING_get0_data(asn1String), length);
    }

    private static void ascii(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }
}
