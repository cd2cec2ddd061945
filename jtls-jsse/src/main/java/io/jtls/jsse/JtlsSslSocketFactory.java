package io.jtls.jsse;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.ssl.SSLSocketFactory;

/** The jtls {@code SSLContext}'s client socket factory: {@link JtlsSslSocket}s on its engines. */
final class JtlsSslSocketFactory extends SSLSocketFactory {
    private final JtlsSslContextSpi context;

    JtlsSslSocketFactory(JtlsSslContextSpi context) {
        this.context = context;
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return CipherSuites.defaults();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return CipherSuites.supported();
    }

    @Override
    public Socket createSocket() {
        return new JtlsSslSocket(context, true);
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose) {
        return new JtlsSslSocket(context, s, host, port, autoClose);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        Socket socket = createSocket();
        socket.connect(new InetSocketAddress(host, port));
        return socket;
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        Socket socket = createSocket();
        socket.bind(new InetSocketAddress(localHost, localPort));
        socket.connect(new InetSocketAddress(host, port));
        return socket;
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        Socket socket = createSocket();
        socket.connect(new InetSocketAddress(host, port));
        return socket;
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        Socket socket = createSocket();
        socket.bind(new InetSocketAddress(localAddress, localPort));
        socket.connect(new InetSocketAddress(address, port));
        return socket;
    }
}
