package io.jtls.jsse;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;

/**
 * A listening socket whose accepted connections are {@link JtlsSslSocket}s in server mode, with
 * the settings made here (kept on a template engine that never handshakes). The handshake starts
 * on the accepted socket's first read, write or {@code startHandshake()}.
 */
final class JtlsSslServerSocket extends SSLServerSocket {
    private final JtlsSslContextSpi context;
    private final SSLEngine settings;

    JtlsSslServerSocket(JtlsSslContextSpi context) throws IOException {
        super();
        this.context = context;
        this.settings = template(context);
    }

    JtlsSslServerSocket(JtlsSslContextSpi context, int port, int backlog, InetAddress address) throws IOException {
        super(port, backlog, address);
        this.context = context;
        this.settings = template(context);
    }

    private static SSLEngine template(JtlsSslContextSpi context) {
        SSLEngine engine = context.engineCreateSSLEngine(null, -1);
        engine.setUseClientMode(false);
        return engine;
    }

    @Override
    public Socket accept() throws IOException {
        if (isClosed()) {
            throw new SocketException("Socket is closed");
        }
        JtlsSslSocket socket = new JtlsSslSocket(context, settings.getUseClientMode());
        socket.setSSLParameters(settings.getSSLParameters());
        implAccept(socket);
        return socket;
    }

    @Override
    public String[] getEnabledCipherSuites() {
        return settings.getEnabledCipherSuites();
    }

    @Override
    public void setEnabledCipherSuites(String[] suites) {
        settings.setEnabledCipherSuites(suites);
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return settings.getSupportedCipherSuites();
    }

    @Override
    public String[] getSupportedProtocols() {
        return settings.getSupportedProtocols();
    }

    @Override
    public String[] getEnabledProtocols() {
        return settings.getEnabledProtocols();
    }

    @Override
    public void setEnabledProtocols(String[] protocols) {
        settings.setEnabledProtocols(protocols);
    }

    @Override
    public void setNeedClientAuth(boolean need) {
        settings.setNeedClientAuth(need);
    }

    @Override
    public boolean getNeedClientAuth() {
        return settings.getNeedClientAuth();
    }

    @Override
    public void setWantClientAuth(boolean want) {
        settings.setWantClientAuth(want);
    }

    @Override
    public boolean getWantClientAuth() {
        return settings.getWantClientAuth();
    }

    @Override
    public void setUseClientMode(boolean mode) {
        settings.setUseClientMode(mode);
    }

    @Override
    public boolean getUseClientMode() {
        return settings.getUseClientMode();
    }

    @Override
    public void setEnableSessionCreation(boolean flag) {
        settings.setEnableSessionCreation(flag);
    }

    @Override
    public boolean getEnableSessionCreation() {
        return settings.getEnableSessionCreation();
    }

    @Override
    public SSLParameters getSSLParameters() {
        return settings.getSSLParameters();
    }

    @Override
    public void setSSLParameters(SSLParameters params) {
        settings.setSSLParameters(params);
    }
}
