package io.jtls.cli;

import io.jtls.TlsSocket;
import io.jtls.blocking.BlockingStreams;
import io.jtls.handshake.CipherInfo;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The two web modes of {@code jtls serve}. {@code --http} is the smallest HTTP/1.1 server curl
 * and browsers accept: it reads each request head (and skips a body of known length), answers
 * with a status line, {@code Content-Type} and {@code Content-Length}, and keeps the connection
 * for the next request unless the client says {@code Connection: close} (or speaks HTTP/1.0
 * without keep-alive). {@code --www} answers one request and closes, as {@code s_server -www}.
 * The page says what the connection negotiated.
 */
final class HttpResponder {
    /** A request head larger than this is refused (431), so a client cannot grow it without end. */
    private static final int MAX_HEAD = 16 * 1024;

    private HttpResponder() {}

    /** One request head: the request line's parts and the headers the responder acts on. */
    record Request(String method, String target, String version, long contentLength, boolean keepAlive) {}

    static void http(BlockingStreams<TlsSocket> connection) throws IOException {
        InputStream in = new BufferedInputStream(connection.input());
        OutputStream out = connection.output();
        TlsSocket socket = connection.stream();
        while (true) {
            Request request;
            try {
                request = readHead(in);
            } catch (HeadTooLarge e) {
                respond(out, "HTTP/1.1 431 Request Header Fields Too Large", "text/plain", "head too large\n", false, true);
                return;
            }
            if (request == null) return; // the client ended between requests
            if (request.contentLength() > 0) in.skipNBytes(request.contentLength());
            boolean head = request.method().equals("HEAD");
            if (!request.method().equals("GET") && !head) {
                respond(out, "HTTP/1.1 405 Method Not Allowed", "text/plain", "GET or HEAD\n", request.keepAlive(), !head);
            } else {
                respond(out, "HTTP/1.1 200 OK", "text/html; charset=utf-8", page(socket, request), request.keepAlive(), !head);
            }
            if (!request.keepAlive()) return;
        }
    }

    static void www(BlockingStreams<TlsSocket> connection) throws IOException {
        InputStream in = new BufferedInputStream(connection.input());
        Request request;
        try {
            request = readHead(in);
        } catch (HeadTooLarge e) {
            return;
        }
        if (request == null) return;
        String body = "jtls serve\n" + summary(connection.stream()) + "request: " + request.method() + " " + request.target() + "\n";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        OutputStream out = connection.output();
        out.write(("HTTP/1.0 200 ok\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " + bytes.length
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
    }

    private static void respond(OutputStream out, String status, String type, String body, boolean keepAlive,
                                boolean withBody) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String head = status + "\r\nContent-Type: " + type + "\r\nContent-Length: " + bytes.length
                + "\r\nConnection: " + (keepAlive ? "keep-alive" : "close") + "\r\nServer: jtls\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        if (withBody) out.write(bytes);
        out.flush();
    }

    private static String page(TlsSocket socket, Request request) {
        return "<!DOCTYPE html>\n<html><head><title>jtls serve</title></head><body>\n<h1>jtls serve</h1>\n<pre id=\"tls\">"
                + escape(summary(socket)) + "</pre>\n<p>" + escape(request.method() + " " + request.target() + " " + request.version())
                + "</p>\n</body></html>\n";
    }

    /** The connection's facts, one per line, as the page and {@code --www} show them. */
    static String summary(TlsSocket socket) {
        CipherInfo cipher = socket.getCipher();
        return "protocol: " + socket.getProtocol() + "\n"
                + "cipher: " + (cipher == null ? "-" : cipher.name()) + "\n"
                + "alpn: " + (socket.alpnProtocol() == null ? "-" : socket.alpnProtocol()) + "\n"
                + "sni: " + (socket.servername() == null ? "-" : socket.servername()) + "\n"
                + "reused: " + socket.isSessionReused() + "\n";
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static final class HeadTooLarge extends IOException {
        private static final long serialVersionUID = 1L;
    }

    /** Reads a request head up to its empty line; null at end of input before any byte of it. */
    static Request readHead(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int total = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (total == 0) return null;
                throw new IOException("connection ended inside a request head");
            }
            if (++total > MAX_HEAD) throw new HeadTooLarge();
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1);
                if (text.endsWith("\r")) text = text.substring(0, text.length() - 1);
                line.reset();
                if (text.isEmpty()) {
                    if (lines.isEmpty()) continue; // a stray CRLF between requests (RFC 9112 2.2)
                    break;
                }
                lines.add(text);
            } else {
                line.write(b);
            }
        }
        String[] parts = lines.getFirst().split(" ");
        String method = parts[0];
        String target = parts.length > 1 ? parts[1] : "/";
        String version = parts.length > 2 ? parts[2] : "HTTP/1.0";
        long contentLength = 0;
        String connection = "";
        for (String header : lines.subList(1, lines.size())) {
            int colon = header.indexOf(':');
            if (colon <= 0) continue;
            String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).trim();
            if (name.equals("content-length")) {
                try {
                    contentLength = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    contentLength = 0;
                    connection = "close";
                }
            } else if (name.equals("connection")) {
                connection = value.toLowerCase(Locale.ROOT);
            }
        }
        boolean keepAlive = version.equals("HTTP/1.1") ? !connection.contains("close") : connection.contains("keep-alive");
        return new Request(method, target, version, contentLength, keepAlive);
    }
}
