package io.jtls.net;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.NoSuchFileException;
import java.util.Locale;

/**
 * Turns the JDK's I/O exceptions into Node's system errors. The JDK only passes on the C
 * library's {@code strerror} text, so the mapping goes by that text (Linux wording) and by
 * exception type; the errno values are libuv's ({@code -errno} on Linux).
 */
enum Errno {
    ECONNREFUSED(-111, "connection refused"),
    ECONNRESET(-104, "connection reset"),
    EADDRINUSE(-98, "address already in use"),
    EADDRNOTAVAIL(-99, "cannot assign requested address"),
    ETIMEDOUT(-110, "timed out"),
    EPIPE(-32, "broken pipe"),
    ENETUNREACH(-101, "network is unreachable"),
    EHOSTUNREACH(-113, "no route to host"),
    ECONNABORTED(-103, "connection abort"),
    EACCES(-13, "permission denied"),
    ENOENT(-2, "no such file or directory"),
    ENOTFOUND(-3008, "getaddrinfo"),
    EMFILE(-24, "too many open files"),
    EINVAL(-22, "invalid argument"),
    ENOTSUP(-95, "operation not supported"),
    EIO(-5, "input/output error");

    final int errno;
    /** Lower-case fragment of the JDK's message (strerror text) that identifies the error. */
    private final String text;

    Errno(int errno, String text) {
        this.errno = errno;
        this.text = text;
    }

    /** Which Node code an exception of the JDK stands for; {@code EIO} when nothing matches. */
    static Errno of(Throwable e) {
        if (e instanceof UnknownHostException) return ENOTFOUND;
        if (e instanceof NoSuchFileException) return ENOENT;
        if (e instanceof NoRouteToHostException) return EHOSTUNREACH;
        if (e instanceof PortUnreachableException) return ECONNREFUSED;
        String message = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
        for (Errno errno : values()) {
            if (errno != ENOTFOUND && message.contains(errno.text)) return errno;
        }
        if (e instanceof ConnectException) return ECONNREFUSED;
        if (e instanceof BindException) return EADDRINUSE;
        if (e instanceof ClosedChannelException) return EPIPE;
        return EIO;
    }

    /** Node's text for the error, as libuv's {@code uv_strerror} gives it (used by listen errors). */
    String description() {
        return switch (this) {
            case EADDRINUSE -> "address already in use";
            case EADDRNOTAVAIL -> "address not available";
            case EACCES -> "permission denied";
            case ENOTSUP -> "operation not supported on socket";
            default -> text;
        };
    }

    /**
     * The error Node raises for a failed {@code syscall} on {@code address:port} (port -1 for
     * none): {@code connect ECONNREFUSED 127.0.0.1:1}; listen errors add libuv's description,
     * {@code listen EADDRINUSE: address already in use 127.0.0.1:8080}.
     */
    static NetException exception(IOException cause, String syscall, String address, int port) {
        Errno errno = of(cause);
        String where = address == null ? "" : port > 0 ? " " + address + ":" + port : " " + address;
        String message = syscall.equals("listen") || syscall.equals("bind")
                ? syscall + " " + errno.name() + ": " + errno.description() + where
                : syscall + " " + errno.name() + where;
        return new NetException(errno.name(), errno.errno, syscall, address, port, message, cause);
    }

    /** Node's {@code getaddrinfo ENOTFOUND host}. */
    static NetException notFound(String host, Throwable cause) {
        return new NetException(ENOTFOUND.name(), ENOTFOUND.errno, "getaddrinfo", host, -1,
                "getaddrinfo ENOTFOUND " + host, cause);
    }
}
