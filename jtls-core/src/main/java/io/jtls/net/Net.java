package io.jtls.net;

import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Node's {@code net} module as static functions: {@code Net.createServer(socket -> ...)},
 * {@code Net.connect(port, host, () -> ...)}.
 *
 * <p>The returned socket is already connecting on its loop: listeners for {@code 'error'} and
 * {@code 'close'} added afterwards from another thread may miss a fast failure. Where that
 * matters, create the socket, add listeners, then call {@link Socket#connect}.
 */
public final class Net {
    private Net() {
    }

    /**
     * Node's {@code net.createServer([connectionListener])}.
     *
     * @param onConnection called on {@code 'connection'}
     * @return Node's {@code net.createServer([connectionListener])}
     */
    public static Server createServer(Consumer<Socket> onConnection) {
        return new Server(onConnection);
    }

    /**
     * Node's {@code net.createServer(options[, connectionListener])}.
     *
     * @param options the options
     * @param onConnection called on {@code 'connection'}
     * @return Node's {@code net.createServer(options[, connectionListener])}
     */
    public static Server createServer(ServerOptions options, Consumer<Socket> onConnection) {
        return new Server(options, onConnection);
    }

    /**
     * Node's {@code net.connect(port[, host][, connectListener])}; host null means localhost.
     *
     * @param port the port
     * @param host the host name or address
     * @param onConnect called on 'connect'
     * @return Node's {@code net.connect(port[, host][, connectListener])}; host null means localhost
     */
    public static Socket connect(int port, String host, Runnable onConnect) {
        return new Socket().connect(port, host, onConnect);
    }

    /**
     * Connects to {@code host:port}.
     *
     * @param port the port
     * @param host the host name or address
     * @return the connecting socket
     */
    public static Socket connect(int port, String host) {
        return connect(port, host, null);
    }

    /**
     * Node's {@code net.connect(path[, connectListener])} for a Unix-domain socket.
     *
     * @param path the path
     * @param onConnect called on 'connect'
     * @return Node's {@code net.connect(path[, connectListener])} for a Unix-domain socket
     */
    public static Socket connect(Path path, Runnable onConnect) {
        return new Socket().connect(path, onConnect);
    }

    /**
     * Node's {@code net.connect(options[, connectListener])}.
     *
     * @param options the options
     * @param onConnect called on 'connect'
     * @return Node's {@code net.connect(options[, connectListener])}
     */
    public static Socket connect(ConnectOptions options, Runnable onConnect) {
        EventLoop loop = options.loop() == null ? EventLoopGroup.defaultGroup().next() : options.loop();
        return new Socket(loop, options.allowHalfOpen()).connect(options, onConnect);
    }
}
