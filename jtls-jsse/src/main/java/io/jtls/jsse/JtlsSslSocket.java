package io.jtls.jsse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import javax.net.ssl.HandshakeCompletedEvent;
import javax.net.ssl.HandshakeCompletedListener;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * A blocking {@code SSLSocket} as a thin layer over a jtls {@link JtlsSslEngine}: the socket's own
 * TCP connection (or, layered, another socket's) carries what the engine wraps, reads feed
 * {@code unwrap}. The engine contract makes this short: the handshake is the usual status loop,
 * reads unwrap one record at a time, writes wrap one record at a time.
 *
 * <p>Reads and writes may run on two threads: each side has its lock (the read side takes the
 * write lock, in that order, when the engine has something to send, such as the answer to a
 * close_notify); the handshake holds both.
 */
final class JtlsSslSocket extends SSLSocket {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final JtlsSslContextSpi context;
    /** Another socket this one is layered over, or null when it is its own transport. */
    private final Socket transport;
    private final boolean autoClose;
    private SSLEngine engine;
    private final Object readLock = new Object();
    private final Object writeLock = new Object();
    private final List<HandshakeCompletedListener> listeners = new CopyOnWriteArrayList<>();

    private InputStream rawIn;
    private OutputStream rawOut;
    /** Ciphertext read and not yet unwrapped, in read mode. */
    private ByteBuffer netIn = ByteBuffer.allocate(JtlsSession.PACKET_BUFFER_SIZE).flip();
    /** Plaintext unwrapped and not yet read, in write mode. */
    private ByteBuffer appIn = ByteBuffer.allocate(JtlsSession.APPLICATION_BUFFER_SIZE);
    private final ByteBuffer netOut = ByteBuffer.allocate(JtlsSession.PACKET_BUFFER_SIZE);
    private volatile boolean handshakeDone;
    private boolean handshakeStarted;
    private boolean inboundEnded;
    private volatile boolean closed;
    private final InputStream in = new AppInput();
    private final OutputStream out = new AppOutput();

    /** An unconnected socket ({@code connect} follows) or one {@code ServerSocket.implAccept} fills in. */
    JtlsSslSocket(JtlsSslContextSpi context, boolean clientMode) {
        this.context = context;
        this.transport = null;
        this.autoClose = true;
        this.engine = newEngine(null, -1, clientMode);
    }

    /** A client socket layered over a connected {@code transport} (proxies, STARTTLS). */
    JtlsSslSocket(JtlsSslContextSpi context, Socket transport, String host, int port, boolean autoClose) {
        this.context = context;
        this.transport = transport;
        this.autoClose = autoClose;
        this.engine = newEngine(host, port, true);
    }

    private SSLEngine newEngine(String host, int port, boolean clientMode) {
        SSLEngine e = context.engineCreateSSLEngine(host, port);
        e.setUseClientMode(clientMode);
        return e;
    }

    // ------------------------------------------------------------------ connection

    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
        if (transport != null) {
            throw new SocketException("a layered socket is already connected");
        }
        super.connect(endpoint, timeout);
        if (endpoint instanceof InetSocketAddress address && engine.getUseClientMode()) {
            // The engine learns its peer now: carry over what was set on it before.
            SSLEngine old = engine;
            SSLEngine fresh = newEngine(address.getHostString(), address.getPort(), true);
            fresh.setSSLParameters(old.getSSLParameters());
            fresh.setHandshakeApplicationProtocolSelector(old.getHandshakeApplicationProtocolSelector());
            engine = fresh;
        }
    }

    private void ensureStreams() throws IOException {
        if (rawIn == null) {
            if (closed) {
                throw new SocketException("Socket is closed");
            }
            rawIn = transport != null ? transport.getInputStream() : super.getInputStream();
            rawOut = transport != null ? transport.getOutputStream() : super.getOutputStream();
        }
    }

    @Override
    public void startHandshake() throws IOException {
        synchronized (readLock) {
            synchronized (writeLock) {
                ensureStreams();
                if (!handshakeStarted) {
                    handshakeStarted = true;
                    engine.beginHandshake();
                }
                try {
                    runHandshake();
                } catch (IOException e) {
                    failed();
                    throw e;
                }
            }
        }
    }

    private void ensureHandshake() throws IOException {
        if (!handshakeDone) {
            startHandshake();
        }
    }

    /** The status loop; both locks held. */
    private void runHandshake() throws IOException {
        boolean wasDone = handshakeDone;
        while (true) {
            HandshakeStatus status = engine.getHandshakeStatus();
            switch (status) {
                case NEED_TASK -> runTasks();
                case NEED_WRAP -> wrapAndSend(EMPTY);
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    if (unwrapOnce() == null) {
                        throw new SSLHandshakeException("Remote host terminated the handshake");
                    }
                }
                default -> {
                    handshakeDone = true;
                    if (!wasDone) {
                        HandshakeCompletedEvent event = new HandshakeCompletedEvent(this, engine.getSession());
                        for (HandshakeCompletedListener listener : listeners) {
                            listener.handshakeCompleted(event);
                        }
                    }
                    return;
                }
            }
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    /** Wraps {@code src} (or what the engine has to say) and writes every record; write lock held. */
    private SSLEngineResult wrapAndSend(ByteBuffer src) throws IOException {
        netOut.clear();
        SSLEngineResult result = engine.wrap(src, netOut);
        netOut.flip();
        if (netOut.hasRemaining()) {
            rawOut.write(netOut.array(), netOut.arrayOffset() + netOut.position(), netOut.remaining());
            rawOut.flush();
        }
        if (result.getStatus() == Status.BUFFER_OVERFLOW) {
            throw new SSLException("a record did not fit " + netOut.capacity() + " bytes");
        }
        return result;
    }

    /** Unwraps one record, reading the transport as needed; null at the end of the transport. Read lock held. */
    private SSLEngineResult unwrapOnce() throws IOException {
        while (true) {
            SSLEngineResult result = engine.unwrap(netIn, appIn);
            switch (result.getStatus()) {
                case BUFFER_UNDERFLOW -> {
                    if (!fill()) {
                        return null;
                    }
                }
                case BUFFER_OVERFLOW -> appIn = grow(appIn, engine.getSession().getApplicationBufferSize());
                default -> {
                    if (result.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
                        runTasks();
                    }
                    return result;
                }
            }
        }
    }

    /** Reads more ciphertext from the transport; false at its end. */
    private boolean fill() throws IOException {
        if (netIn.limit() == netIn.capacity() && netIn.position() == 0) {
            netIn = grow(netIn.compact(), engine.getSession().getPacketBufferSize()).flip();
        }
        netIn.compact();
        int n;
        try {
            n = rawIn.read(netIn.array(), netIn.arrayOffset() + netIn.position(), netIn.remaining());
        } finally {
            netIn.flip();
        }
        if (n < 0) {
            return false;
        }
        netIn.limit(netIn.limit() + n);
        return true;
    }

    private static ByteBuffer grow(ByteBuffer buffer, int more) {
        ByteBuffer bigger = ByteBuffer.allocate(buffer.capacity() + more);
        buffer.flip();
        bigger.put(buffer);
        return bigger;
    }

    private void failed() {
        try {
            synchronized (writeLock) {
                if (rawOut != null && !engine.isOutboundDone()) {
                    wrapAndSend(EMPTY); // the alert, if the engine has one
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // the transport is going away anyway
        }
        closeTransport();
    }

    // ------------------------------------------------------------------ streams

    private int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        ensureHandshake();
        synchronized (readLock) {
            while (true) {
                if (appIn.position() > 0) {
                    appIn.flip();
                    int n = Math.min(len, appIn.remaining());
                    appIn.get(b, off, n);
                    appIn.compact();
                    return n;
                }
                if (len == 0) {
                    return 0;
                }
                if (inboundEnded) {
                    return -1;
                }
                SSLEngineResult result;
                try {
                    result = unwrapOnce();
                } catch (SSLException e) {
                    failed();
                    throw e;
                }
                if (result == null || result.getStatus() == Status.CLOSED) {
                    inboundEnded = true;
                }
                if (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP && !engine.isOutboundDone()) {
                    synchronized (writeLock) {
                        try {
                            wrapAndSend(EMPTY); // a close_notify or key update answer
                        } catch (IOException e) {
                            if (!inboundEnded) {
                                throw e;
                            }
                            // The peer closed: its transport may be gone before our close_notify.
                        }
                    }
                }
            }
        }
    }

    private void write(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        ensureHandshake();
        synchronized (writeLock) {
            ByteBuffer src = ByteBuffer.wrap(b, off, len);
            while (src.hasRemaining()) {
                SSLEngineResult result;
                try {
                    result = wrapAndSend(src);
                } catch (SSLException e) {
                    failed();
                    throw e;
                }
                if (result.getStatus() == Status.CLOSED) {
                    throw new SocketException("the TLS connection is closed for writing");
                }
            }
        }
    }

    private final class AppInput extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n;
            while ((n = JtlsSslSocket.this.read(one, 0, 1)) == 0) {
                // no byte yet
            }
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return JtlsSslSocket.this.read(b, off, len);
        }

        @Override
        public int available() {
            synchronized (readLock) {
                return appIn.position();
            }
        }

        @Override
        public void close() throws IOException {
            JtlsSslSocket.this.close();
        }
    }

    private final class AppOutput extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            JtlsSslSocket.this.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            JtlsSslSocket.this.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            JtlsSslSocket.this.close();
        }
    }

    @Override
    public InputStream getInputStream() throws IOException {
        ensureStreams();
        return in;
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        ensureStreams();
        return out;
    }

    /** Sends close_notify (when the handshake was done), then closes the transport. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (handshakeDone && rawOut != null) {
                synchronized (writeLock) {
                    engine.closeOutbound();
                    while (!engine.isOutboundDone()) {
                        if (wrapAndSend(EMPTY).bytesProduced() == 0) {
                            break;
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // closing anyway
        } finally {
            closeTransport();
        }
    }

    private void closeTransport() {
        closed = true;
        try {
            if (transport != null) {
                if (autoClose) {
                    transport.close();
                }
            } else {
                super.close();
            }
        } catch (IOException ignored) {
            // nothing more to do
        }
    }

    @Override
    public boolean isClosed() {
        return closed || (transport != null ? transport.isClosed() : super.isClosed());
    }

    // ------------------------------------------------------------------ a layered socket's addresses

    @Override
    public InetAddress getInetAddress() {
        return transport != null ? transport.getInetAddress() : super.getInetAddress();
    }

    @Override
    public int getPort() {
        return transport != null ? transport.getPort() : super.getPort();
    }

    @Override
    public int getLocalPort() {
        return transport != null ? transport.getLocalPort() : super.getLocalPort();
    }

    @Override
    public boolean isConnected() {
        return transport != null ? transport.isConnected() : super.isConnected();
    }

    @Override
    public synchronized void setSoTimeout(int timeout) throws SocketException {
        if (transport != null) {
            transport.setSoTimeout(timeout);
        } else {
            super.setSoTimeout(timeout);
        }
    }

    @Override
    public synchronized int getSoTimeout() throws SocketException {
        return transport != null ? transport.getSoTimeout() : super.getSoTimeout();
    }

    // ------------------------------------------------------------------ SSLSocket settings: the engine's

    @Override
    public String[] getSupportedCipherSuites() {
        return engine.getSupportedCipherSuites();
    }

    @Override
    public String[] getEnabledCipherSuites() {
        return engine.getEnabledCipherSuites();
    }

    @Override
    public void setEnabledCipherSuites(String[] suites) {
        engine.setEnabledCipherSuites(suites);
    }

    @Override
    public String[] getSupportedProtocols() {
        return engine.getSupportedProtocols();
    }

    @Override
    public String[] getEnabledProtocols() {
        return engine.getEnabledProtocols();
    }

    @Override
    public void setEnabledProtocols(String[] protocols) {
        engine.setEnabledProtocols(protocols);
    }

    /** As SunJSSE's: starts the handshake if needed, and an invalid session when it fails. */
    @Override
    public SSLSession getSession() {
        if (!handshakeDone && !closed) {
            try {
                startHandshake();
            } catch (IOException e) {
                // the session below says it: no suite, not valid
            }
        }
        return engine.getSession();
    }

    @Override
    public SSLSession getHandshakeSession() {
        return engine.getHandshakeSession();
    }

    @Override
    public void addHandshakeCompletedListener(HandshakeCompletedListener listener) {
        if (listener == null) {
            throw new IllegalArgumentException("listener is null");
        }
        listeners.add(listener);
    }

    @Override
    public void removeHandshakeCompletedListener(HandshakeCompletedListener listener) {
        if (!listeners.remove(listener)) {
            throw new IllegalArgumentException("listener not registered");
        }
    }

    @Override
    public void setUseClientMode(boolean mode) {
        engine.setUseClientMode(mode);
    }

    @Override
    public boolean getUseClientMode() {
        return engine.getUseClientMode();
    }

    @Override
    public void setNeedClientAuth(boolean need) {
        engine.setNeedClientAuth(need);
    }

    @Override
    public boolean getNeedClientAuth() {
        return engine.getNeedClientAuth();
    }

    @Override
    public void setWantClientAuth(boolean want) {
        engine.setWantClientAuth(want);
    }

    @Override
    public boolean getWantClientAuth() {
        return engine.getWantClientAuth();
    }

    @Override
    public void setEnableSessionCreation(boolean flag) {
        engine.setEnableSessionCreation(flag);
    }

    @Override
    public boolean getEnableSessionCreation() {
        return engine.getEnableSessionCreation();
    }

    @Override
    public SSLParameters getSSLParameters() {
        return engine.getSSLParameters();
    }

    @Override
    public void setSSLParameters(SSLParameters params) {
        engine.setSSLParameters(params);
    }

    @Override
    public String getApplicationProtocol() {
        return engine.getApplicationProtocol();
    }

    @Override
    public String getHandshakeApplicationProtocol() {
        return engine.getHandshakeApplicationProtocol();
    }

    @Override
    public void setHandshakeApplicationProtocolSelector(BiFunction<SSLSocket, List<String>, String> selector) {
        engine.setHandshakeApplicationProtocolSelector(selector == null ? null : (e, offered) -> selector.apply(this, offered));
    }

    @Override
    public String toString() {
        return "JtlsSslSocket[" + engine + "]";
    }
}
