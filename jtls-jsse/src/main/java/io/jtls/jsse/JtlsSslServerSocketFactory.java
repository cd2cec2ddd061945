package io.jtls.jsse;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import javax.net.ssl.SSLServerSocketFactory;

/** The jtls {@code SSLContext}'s server socket factory: {@link JtlsSslServerSocket}s. */
final class JtlsSslServerSocketFactory extends SSLServerSocketFactory {
    private final JtlsSslContextSpi context;

    JtlsSslServerSocketFactory(JtlsSslContextSpi context) {
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
    public ServerSocket createServerSocket() throws IOException {
        return new JtlsSslServerSocket(context);
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
        return new JtlsSslServerSocket(context, port, 50, null);
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog) throws IOException {
        return new JtlsSslServerSocket(context, port, backlog, null);
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress address) throws IOException {
        return new JtlsSslServerSocket(context, port, backlog, address);
    }
}
