package io.jtls.net;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A program whose {@code main} returns right after starting something, run in a child JVM by
 * {@link LivenessTest}: whether the JVM then stays up is what the test observes. Prints
 * {@code main returned} last in {@code main}; a daemon thread turns a {@code close} line on stdin
 * into {@code server.close()}.
 */
public final class LivenessChild {
    private LivenessChild() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "listen", "listen-unref" -> {
                Server server = Net.createServer(socket -> {
                    socket.resume(); // reads the EOF of a client that hung up: the connection then ends
                    socket.end(java.nio.ByteBuffer.wrap("alive\n".getBytes(StandardCharsets.US_ASCII)));
                });
                if (args[0].equals("listen-unref")) server.unref();
                server.listen(0, "127.0.0.1", () -> System.out.println("listening " + server.address().port()));
                Thread closer = Thread.ofPlatform().daemon(true).start(() -> {
                    try {
                        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
                        if ("close".equals(in.readLine())) server.close(error -> System.out.println("closed"));
                    } catch (IOException e) {
                        // the parent went away: nothing to close for
                    }
                });
                closer.setName("stdin-reader");
            }
            case "connect" -> {
                Socket socket = new Socket();
                socket.on(Socket.DATA, buf -> System.out.println("got " + StandardCharsets.US_ASCII.decode(buf).toString().trim()));
                socket.on(Socket.CLOSE, hadError -> System.out.println("socket closed"));
                socket.connect(Integer.parseInt(args[1]), "127.0.0.1", null);
            }
            case "two-loops" -> { // one socket on each of two loops of their own
                for (String name : new String[] {"a", "b"}) {
                    Socket socket = new Socket(new EventLoop("liveness-" + name), false);
                    socket.on(Socket.DATA, buf -> System.out.println(
                            name + " got " + StandardCharsets.US_ASCII.decode(buf).toString().trim()));
                    socket.on(Socket.CLOSE, hadError -> System.out.println("socket " + name + " closed"));
                    socket.connect(Integer.parseInt(args[1]), "127.0.0.1", () -> System.out.println(name + " connected"));
                }
            }
            case "timer" -> EventLoopGroup.defaultGroup().next()
                    .setTimeout(Duration.ofMillis(Long.parseLong(args[1])), () -> System.out.println("timer fired"));
            case "timer-unref" -> EventLoopGroup.defaultGroup().next()
                    .setTimeout(Duration.ofHours(1), () -> System.out.println("timer fired")).unref();
            default -> throw new IllegalArgumentException(args[0]);
        }
        System.out.println("main returned");
    }
}
