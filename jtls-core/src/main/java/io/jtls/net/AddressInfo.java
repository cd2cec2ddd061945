package io.jtls.net;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.Inet6Address;

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
            return new AddressInfo(inet.getAddress().getHostAddress(), family(inet), inet.getPort());
        }
        if (socketAddress instanceof UnixDomainSocketAddress unix) {
            return new AddressInfo(unix.getPath().toString(), "unix", -1);
        }
        return null;
    }

    /** {@code "IPv6"} or {@code "IPv4"}, as Node writes {@code family}. */
    static String family(InetSocketAddress inet) {
        return inet.getAddress() instanceof Inet6Address ? "IPv6" : "IPv4";
    }
}
