package io.jtls.net;

import io.jtls.error.TlsException;

/**
 * A system error of the transport, shaped like Node's: {@link #code()} ({@code ECONNREFUSED},
 * {@code ECONNRESET}, {@code EADDRINUSE}, {@code ETIMEDOUT}, {@code ENOTFOUND}, ...), the negative
 * libuv {@link #errno()}, the {@link #syscall()} that failed ({@code connect}, {@code listen},
 * {@code read}, {@code write}, {@code getaddrinfo}) and, where Node sets them, the
 * {@link #address()} and {@link #port()}. The message reads like Node's, e.g.
 * {@code connect ECONNREFUSED 127.0.0.1:1}.
 *
 * <p>Stream-state errors that Node raises without a syscall ({@code ERR_STREAM_WRITE_AFTER_END},
 * {@code ERR_STREAM_DESTROYED}, {@code ERR_SERVER_NOT_RUNNING}, ...) use this class too, with
 * {@code errno} 0 and {@code syscall} null.
 */
public class NetException extends TlsException {
    /** The errno. */
    private final int errno;
    /** The syscall. */
    private final String syscall;
    /** The address. */
    private final String address;
    /** The port. */
    private final int port;

    /**
     * A new {@code NetException}.
     *
     * @param code Node's error code
     * @param errno the errno
     * @param syscall the syscall
     * @param address the address
     * @param port the port
     * @param message the message
     * @param cause the cause
     */
    public NetException(String code, int errno, String syscall, String address, int port, String message, Throwable cause) {
        super(code, message, cause);
        this.errno = errno;
        this.syscall = syscall;
        this.address = address;
        this.port = port;
    }

    /**
     * A stream-state error (Node's {@code ERR_*} codes): no errno, no syscall.
     *
     * @param code Node's error code
     * @param message the message
     */
    public NetException(String code, String message) {
        this(code, 0, null, null, -1, message, null);
    }

    /**
     * Node's {@code err.errno}: the negative libuv error number, 0 when not a system error.
     *
     * @return Node's {@code err.errno}: the negative libuv error number, 0 when not a system error
     */
    public int errno() {
        return errno;
    }

    /**
     * Node's {@code err.syscall}, or null.
     *
     * @return Node's {@code err.syscall}, or null
     */
    public String syscall() {
        return syscall;
    }

    /**
     * Node's {@code err.address} (an IP or a Unix socket path; for lookups, the hostname), or null.
     *
     * @return Node's {@code err.address} (an IP or a Unix socket path; for lookups, the hostname), or null
     */
    public String address() {
        return address;
    }

    /**
     * Node's {@code err.port}, or -1 when Node sets none.
     *
     * @return Node's {@code err.port}, or -1 when Node sets none
     */
    public int port() {
        return port;
    }
}
