package io.jtls.net;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;

/**
 * What Node's {@code server.address()} and {@code socket.address()} return:
 * {@code { address: '127.0.0.1', family: 'IPv4', port: 8080 }}.
 *
 * <p>For a Unix-domain socket (where Node returns the path string) {@code address} is the path,
 * {@code family} is {@code "unix"} and {@code port} is -1.
 *
 * @param address the IP address text ({@code "127.0.0.1"}, {@code "::1"}) or the socket path
 * @param family  {@code "IPv4"}, {@code "IPv6"} or {@code "unix"}
 * @param port    the port, -1 for a Unix-domain socket
 */
public record AddressInfo(String address, String family, int port) {

    /** Node's description of a JDK socket address; null for null. */
    static AddressInfo of(SocketAddress socketAddress) {
        if (socketAddress instanceof InetSocketAddress inet) {
            return new AddressInfo(text(inet.getAddress()), family(inet), inet.getPort());
        }
        if (socketAddress instanceof UnixDomainSocketAddress unix) {
            return new AddressInfo(unix.getPath().toString(), "unix", -1);
        }
        return null;
    }

    /**
     * An address as Node writes it: IPv6 in the short form of RFC 5952 ({@code ::1}, {@code ::},
     * {@code fe80::1%eth0}) where the JDK writes every group ({@code 0:0:0:0:0:0:0:1}).
     */
    static String text(InetAddress address) {
        String full = address.getHostAddress();
        if (!(address instanceof Inet6Address)) return full;
        int percent = full.indexOf('%');
        String scope = percent < 0 ? "" : full.substring(percent);
        String[] groups = (percent < 0 ? full : full.substring(0, percent)).split(":");
        int bestStart = -1;
        int bestLength = 1; // a single zero group is not shortened
        for (int i = 0; i < groups.length; ) {
            if (!groups[i].equals("0")) {
                i++;
                continue;
            }
            int j = i;
            while (j < groups.length && groups[j].equals("0")) j++;
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        if (bestStart < 0) return full;
        String head = String.join(":", java.util.Arrays.copyOfRange(groups, 0, bestStart));
        String tail = String.join(":", java.util.Arrays.copyOfRange(groups, bestStart + bestLength, groups.length));
        return head + "::" + tail + scope;
    }

    /** {@code "IPv6"} or {@code "IPv4"}, as Node writes {@code family}. */
    static String family(InetSocketAddress inet) {
        return inet.getAddress() instanceof Inet6Address ? "IPv6" : "IPv4";
    }
}
