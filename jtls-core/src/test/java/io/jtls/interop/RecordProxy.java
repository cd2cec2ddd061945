package io.jtls.interop;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on 127.0.0.1 that forwards bytes unchanged to a target port and parses the TLS
 * record headers going each way ({@code type(1) version(2) length(2)}), so a test can see the
 * size of every record a peer sent: {@code setMaxSendFragment} made visible on the wire.
 */
final class RecordProxy implements AutoCloseable {
    /** One TLS record: content type (23 = application_data; all encrypted TLS 1.3 records) and length. */
    record TlsRecord(int type, int length) {}

    private final ServerSocket listener;
    private final int targetPort;
    private final List<TlsRecord> toServer = new CopyOnWriteArrayList<>();
    private final List<TlsRecord> toClient = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<String> failures = new CopyOnWriteArrayList<>();

    /** 0: bytes go on as read; else the most bytes per forwarding write (pieces of 1, 2, .., this, 1, ..). */
    private final int maxPiece;

    RecordProxy(int targetPort) throws IOException {
        this(targetPort, 0);
    }

    /**
     * A proxy that also cuts the stream into pieces of 1, 2, 3, .. up to {@code maxPiece} bytes,
     * each its own write with Nagle off, so the peer's reads end at ever other places inside
     * records (and their headers).
     */
    RecordProxy(int targetPort, int maxPiece) throws IOException {
        this.targetPort = targetPort;
        this.maxPiece = maxPiece;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "record-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Records sent by the client so far. */
    List<TlsRecord> toServer() {
        return new ArrayList<>(toServer);
    }

    /** Records sent by the server so far. */
    List<TlsRecord> toClient() {
        return new ArrayList<>(toClient);
    }

    /** What went wrong while forwarding (a reset, say), for failure messages. */
    List<String> failures() {
        return new ArrayList<>(failures);
    }

    @Override
    public String toString() {
        long toServerBytes = toServer.stream().mapToLong(TlsRecord::length).sum();
        long toClientBytes = toClient.stream().mapToLong(TlsRecord::length).sum();
        return "RecordProxy[to server: " + toServer.size() + " records, " + toServerBytes + " bytes; to client: "
                + toClient.size() + " records, " + toClientBytes + " bytes; failures: " + failures + "]";
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                if (maxPiece > 0) {
                    client.setTcpNoDelay(true);
                    server.setTcpNoDelay(true);
                }
                sockets.add(client);
                sockets.add(server);
                pump(client, server, toServer, "client->server");
                pump(server, client, toClient, "server->client");
            } catch (IOException closed) {
                return;
            }
        }
    }

    /**
     * Forwards one direction until end of stream, then passes the half-close on. Sockets are
     * closed only by {@link #close()}: closing one early (with bytes still unread) would make the
     * kernel reset the connection and the peer lose what it had not read yet.
     */
    private void pump(Socket from, Socket to, List<TlsRecord> records, String direction) {
        Thread t = new Thread(() -> {
            RecordParser parser = new RecordParser(records);
            byte[] buf = new byte[65536];
            boolean forwarding = true;
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                int piece = 0;
                while ((n = in.read(buf)) > 0) {
                    parser.feed(buf, n);
                    if (forwarding) {
                        try {
                            if (maxPiece == 0) {
                                out.write(buf, 0, n);
                            } else {
                                for (int at = 0; at < n; ) {
                                    piece = piece % maxPiece + 1;
                                    int len = Math.min(piece, n - at);
                                    out.write(buf, at, len);
                                    out.flush();
                                    at += len;
                                }
                            }
                        } catch (IOException e) {
                            failures.add(direction + " write: " + e);
                            forwarding = false; // keep reading, so that nothing unread is left
                        }
                    }
                }
            } catch (IOException e) {
                failures.add(direction + " read: " + e);
            }
            try {
                to.shutdownOutput(); // pass the half-close on
            } catch (IOException ignored) {
                // the other side is gone already
            }
        }, "record-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    /** Follows the record headers in one direction of the byte stream. */
    private static final class RecordParser {
        private final List<TlsRecord> records;
        private final byte[] header = new byte[5];
        private int headerFill;
        private int bodyLeft;

        RecordParser(List<TlsRecord> records) {
            this.records = records;
        }

        void feed(byte[] buf, int n) {
            int i = 0;
            while (i < n) {
                if (bodyLeft > 0) {
                    int skip = Math.min(bodyLeft, n - i);
                    bodyLeft -= skip;
                    i += skip;
                    continue;
                }
                header[headerFill++] = buf[i++];
                if (headerFill == 5) {
                    headerFill = 0;
                    bodyLeft = ((header[3] & 0xff) << 8) | (header[4] & 0xff);
                    records.add(new TlsRecord(header[0] & 0xff, bodyLeft));
                }
            }
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // already closed
        }
        sockets.forEach(RecordProxy::closeQuietly);
    }
}
