package io.jtls.internal.util;

import java.util.regex.Pattern;

/**
 * IP address text as Node sees it: {@link #isIP} is Node's {@code net.isIP} (the regular
 * expressions of lib/internal/net.js, IPv6 with an optional {@code %zone}), and
 * {@link #canonicalize} is Node's internal {@code canonicalizeIP} (libuv's {@code uv_inet_pton}
 * then {@code uv_inet_ntop}: the zone dropped, IPv6 lower-case with the longest run of zero
 * groups as {@code ::}, IPv4-mapped and -compatible addresses in dotted form).
 */
public final class IpAddresses {
    private IpAddresses() {}

    private static final String V4_SEG = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])";
    private static final String V4_STR = "(?:" + V4_SEG + "\\.){3}" + V4_SEG;
    private static final Pattern IPV4 = Pattern.compile("^" + V4_STR + "$");
    private static final String V6_SEG = "(?:[0-9a-fA-F]{1,4})";
    private static final Pattern IPV6 = Pattern.compile("^(?:"
            + "(?:" + V6_SEG + ":){7}(?:" + V6_SEG + "|:)|"
            + "(?:" + V6_SEG + ":){6}(?:" + V4_STR + "|:" + V6_SEG + "|:)|"
            + "(?:" + V6_SEG + ":){5}(?::" + V4_STR + "|(?::" + V6_SEG + "){1,2}|:)|"
            + "(?:" + V6_SEG + ":){4}(?:(?::" + V6_SEG + "){0,1}:" + V4_STR + "|(?::" + V6_SEG + "){1,3}|:)|"
            + "(?:" + V6_SEG + ":){3}(?:(?::" + V6_SEG + "){0,2}:" + V4_STR + "|(?::" + V6_SEG + "){1,4}|:)|"
            + "(?:" + V6_SEG + ":){2}(?:(?::" + V6_SEG + "){0,3}:" + V4_STR + "|(?::" + V6_SEG + "){1,5}|:)|"
            + "(?:" + V6_SEG + ":){1}(?:(?::" + V6_SEG + "){0,4}:" + V4_STR + "|(?::" + V6_SEG + "){1,6}|:)|"
            + "(?::(?:(?::" + V6_SEG + "){0,5}:" + V4_STR + "|(?::" + V6_SEG + "){1,7}|:))"
            + ")(?:%[0-9a-zA-Z-.:]{1,})?$");

    /** libuv's {@code UV__INET6_ADDRSTRLEN}. */
    private static final int INET6_ADDRSTRLEN = 46;

    /** Node's {@code net.isIP}: 4, 6, or 0 when the text is not an address. */
    public static int isIP(String s) {
        // matches() must consume the whole text, so a final line break fails as in JS.
        if (IPV4.matcher(s).matches()) {
            return 4;
        }
        return IPV6.matcher(s).matches() ? 6 : 0;
    }

    /** Node's {@code canonicalizeIP}: the canonical text, or null when it is not an address. */
    public static String canonicalize(String s) {
        int nul = s.indexOf('\0'); // the C string ends there
        String c = nul >= 0 ? s.substring(0, nul) : s;
        byte[] v4 = new byte[4];
        if (pton4(c, 0, v4)) {
            return ntop4(v4, 0);
        }
        int zone = c.indexOf('%');
        if (zone >= 0) {
            if (zone > INET6_ADDRSTRLEN - 1) {
                return null;
            }
            c = c.substring(0, zone);
        }
        byte[] v6 = new byte[16];
        return pton6(c, v6) ? ntop6(v6) : null;
    }

    /** libuv's {@code inet_pton4}: four decimal octets, no leading zeros. */
    private static boolean pton4(String src, int from, byte[] dst) {
        int[] tmp = new int[4];
        int tp = 0;
        boolean sawDigit = false;
        int octets = 0;
        for (int i = from; i < src.length(); i++) {
            char ch = src.charAt(i);
            if (ch >= '0' && ch <= '9') {
                int nw = tmp[tp] * 10 + (ch - '0');
                if (sawDigit && tmp[tp] == 0) {
                    return false;
                }
                if (nw > 255) {
                    return false;
                }
                tmp[tp] = nw;
                if (!sawDigit) {
                    if (++octets > 4) {
                        return false;
                    }
                    sawDigit = true;
                }
            } else if (ch == '.' && sawDigit) {
                if (octets == 4) {
                    return false;
                }
                tmp[++tp] = 0;
                sawDigit = false;
            } else {
                return false;
            }
        }
        if (octets < 4) {
            return false;
        }
        for (int i = 0; i < 4; i++) {
            dst[i] = (byte) tmp[i];
        }
        return true;
    }

    /** libuv's {@code inet_pton6}. */
    private static boolean pton6(String s, byte[] dst) {
        byte[] tmp = new byte[16];
        int tp = 0;
        int end = 16;
        int colonp = -1;
        int i = 0;
        if (i < s.length() && s.charAt(i) == ':') {
            i++;
            if (i >= s.length() || s.charAt(i) != ':') {
                return false;
            }
        }
        int curtok = i;
        int seenXdigits = 0;
        int val = 0;
        while (i < s.length()) {
            char ch = s.charAt(i++);
            int digit = Character.digit(ch, 16);
            if (digit >= 0 && ch < 0x80) {
                val = (val << 4) | digit;
                if (++seenXdigits > 4) {
                    return false;
                }
                continue;
            }
            if (ch == ':') {
                curtok = i;
                if (seenXdigits == 0) {
                    if (colonp >= 0) {
                        return false;
                    }
                    colonp = tp;
                    continue;
                } else if (i >= s.length()) {
                    return false;
                }
                if (tp + 2 > end) {
                    return false;
                }
                tmp[tp++] = (byte) (val >> 8);
                tmp[tp++] = (byte) val;
                seenXdigits = 0;
                val = 0;
                continue;
            }
            if (ch == '.' && tp + 4 <= end) {
                byte[] v4 = new byte[4];
                if (pton4(s, curtok, v4)) {
                    System.arraycopy(v4, 0, tmp, tp, 4);
                    tp += 4;
                    seenXdigits = 0;
                    break;
                }
            }
            return false;
        }
        if (seenXdigits > 0) {
            if (tp + 2 > end) {
                return false;
            }
            tmp[tp++] = (byte) (val >> 8);
            tmp[tp++] = (byte) val;
        }
        if (colonp >= 0) {
            int n = tp - colonp;
            if (tp == end) {
                return false;
            }
            for (int k = 1; k <= n; k++) {
                tmp[end - k] = tmp[colonp + n - k];
                tmp[colonp + n - k] = 0;
            }
            tp = end;
        }
        if (tp != end) {
            return false;
        }
        System.arraycopy(tmp, 0, dst, 0, 16);
        return true;
    }

    private static String ntop4(byte[] src, int from) {
        return (src[from] & 0xff) + "." + (src[from + 1] & 0xff) + "." + (src[from + 2] & 0xff) + "."
                + (src[from + 3] & 0xff);
    }

    /** libuv's {@code inet_ntop6}. */
    private static String ntop6(byte[] src) {
        int[] words = new int[8];
        for (int i = 0; i < 16; i++) {
            words[i / 2] |= (src[i] & 0xff) << ((1 - (i % 2)) << 3);
        }
        int bestBase = -1;
        int bestLen = 0;
        int curBase = -1;
        int curLen = 0;
        for (int i = 0; i < 8; i++) {
            if (words[i] == 0) {
                if (curBase == -1) {
                    curBase = i;
                    curLen = 1;
                } else {
                    curLen++;
                }
            } else if (curBase != -1) {
                if (bestBase == -1 || curLen > bestLen) {
                    bestBase = curBase;
                    bestLen = curLen;
                }
                curBase = -1;
            }
        }
        if (curBase != -1 && (bestBase == -1 || curLen > bestLen)) {
            bestBase = curBase;
            bestLen = curLen;
        }
        if (bestBase != -1 && bestLen < 2) {
            bestBase = -1;
        }
        StringBuilder sb = new StringBuilder(INET6_ADDRSTRLEN);
        for (int i = 0; i < 8; i++) {
            if (bestBase != -1 && i >= bestBase && i < bestBase + bestLen) {
                if (i == bestBase) {
                    sb.append(':');
                }
                continue;
            }
            if (i != 0) {
                sb.append(':');
            }
            if (i == 6 && bestBase == 0 && (bestLen == 6
                    || (bestLen == 7 && words[7] != 0x0001)
                    || (bestLen == 5 && words[5] == 0xffff))) {
                sb.append(ntop4(src, 12));
                break;
            }
            sb.append(Integer.toHexString(words[i]));
        }
        if (bestBase != -1 && bestBase + bestLen == 8) {
            sb.append(':');
        }
        return sb.toString();
    }
}
