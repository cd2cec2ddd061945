package io.jtls.bench.jsse;

import io.jtls.bench.BenchOptions;
import io.jtls.jsse.JtlsProvider;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.Provider;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * The JSSE bench server: server-node.js's echo / sink / source server on Netty's {@link SslHandler}
 * over an {@code SSLEngine} of either the JDK's provider or jtls's, so that the two can be measured
 * side by side by the anchors' {@code load.js} (scripts/bench-jsse.sh). It is what a Java user
 * would run: Netty's NIO transport, one event loop (the harness pins the server to one CPU), and
 * the provider chosen the standard way, {@code SSLContext.getInstance("TLS", provider)}.
 *
 * <p>Arguments: {@code --provider jdk|jtls} first (or {@code JSSE_PROVIDER}; default jtls), then
 * server-node.js's options ({@link BenchOptions}). Key and certificate from
 * {@code $CERTS_DIR/server-{ec,rsa}.{key,crt}}. Prints {@code listening PORT} once it accepts and
 * exits after {@code --lifetime} seconds or on SIGTERM.
 */
public final class JsseBenchServer {

    private JsseBenchServer() {}

    /**
     * Runs the server until its lifetime ends.
     *
     * @param args {@code [--provider jdk|jtls]} then server-node.js's options
     * @throws Exception when the server cannot start
     */
    public static void main(String[] args) throws Exception {
        List<String> rest = new ArrayList<>(List.of(args));
        String providerName = System.getenv().getOrDefault("JSSE_PROVIDER", "jtls");
        if (rest.size() >= 2 && rest.get(0).equals("--provider")) {
            providerName = rest.get(1);
            rest = rest.subList(2, rest.size());
        }
        BenchOptions options = BenchOptions.parse(rest, System.getenv());
        String certsDir = System.getenv("CERTS_DIR");
        Path certDir = Path.of(certsDir == null || certsDir.isEmpty() ? "certs" : certsDir);
        // SunJSSE reads this when its first context is made: server-node.js's --tickets.
        System.setProperty("jdk.tls.server.enableSessionTicketExtension", String.valueOf(options.tickets()));
        Running running = start(provider(providerName), options, certDir);
        System.out.println("listening " + running.port());
        System.out.flush();
        System.err.println("jsse bench server: provider " + providerName + ", " + options.mode().name().toLowerCase());
        // On the loop only the channel closes (no waiting there); main then shuts the loop down.
        running.group().schedule(() -> running.server().close(), Math.round(options.lifetimeSeconds() * 1000), TimeUnit.MILLISECONDS);
        running.server().closeFuture().sync();
        running.close();
    }

    /**
     * A running server: its listening channel, its event loop and its port.
     *
     * @param server the listening channel
     * @param group the one event loop
     * @param port the port it listens on
     */
    record Running(Channel server, EventLoopGroup group, int port) implements AutoCloseable {
        /** Stops listening and shuts the loop down (connections with it). */
        @Override
        public void close() {
            server.close().syncUninterruptibly();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Starts the server on {@code provider} with the key and certificate from {@code certDir}. */
    static Running start(Provider provider, BenchOptions options, Path certDir) throws Exception {
        SSLContext context = JsseBenchContexts.serverContext(provider, certDir, options);
        SSLParameters parameters = JsseBenchContexts.parameters(context, options);
        // One loop: the harness gives the server one CPU; a second loop would only compete.
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Channel server = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    // The half-close is TLS's business (close_notify); a FIN alone ends the connection.
                    .childOption(ChannelOption.ALLOW_HALF_CLOSURE, false)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            SSLEngine engine = context.createSSLEngine();
                            engine.setUseClientMode(false);
                            engine.setSSLParameters(parameters);
                            ch.pipeline().addLast(new SslHandler(engine), new ModeHandler(options));
                        }
                    })
                    .bind(new InetSocketAddress(options.host(), options.port())).sync().channel();
            return new Running(server, group, ((InetSocketAddress) server.localAddress()).getPort());
        } catch (Exception | Error e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** The provider named on the command line: {@code jdk} (SunJSSE) or {@code jtls}. */
    static Provider provider(String name) {
        return switch (name) {
            case "jtls" -> new JtlsProvider();
            // The provider a Java user gets by default: SunJSSE.
            case "jdk" -> java.security.Security.getProvider("SunJSSE");
            default -> throw new IllegalArgumentException("--provider must be jdk or jtls");
        };
    }

    /** server-node.js's modes on one secure connection: echo, sink or source. */
    private static final class ModeHandler extends ChannelInboundHandlerAdapter {
        private final BenchOptions options;
        private long left;

        ModeHandler(BenchOptions options) {
            this.options = options;
            this.left = options.bytes();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (options.mode() == BenchOptions.Mode.ECHO) {
                ctx.write(msg);
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (options.mode() == BenchOptions.Mode.ECHO) {
                ctx.flush();
                // Backpressure, as sock.pipe(sock): stop reading while the peer does not read.
                if (!ctx.channel().isWritable()) ctx.channel().config().setAutoRead(false);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                if (options.mode() == BenchOptions.Mode.SOURCE) {
                    pump(ctx);
                } else {
                    ctx.channel().config().setAutoRead(true);
                }
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof SslHandshakeCompletionEvent done) {
                if (!done.isSuccess()) {
                    ctx.close();
                } else if (options.mode() == BenchOptions.Mode.SOURCE) {
                    pump(ctx);
                }
            } else if (event instanceof SslCloseCompletionEvent || event instanceof ChannelInputShutdownEvent) {
                // The peer ended: end too (close_notify, then the transport), as Node's server does.
                ctx.close();
            }
            ctx.fireUserEventTriggered(event);
        }

        /** Writes chunks while the channel is writable; ends after the last one. */
        private void pump(ChannelHandlerContext ctx) {
            Channel ch = ctx.channel();
            while (left > 0 && ch.isWritable()) {
                int n = (int) Math.min(options.chunk(), left);
                ByteBuf chunk = Unpooled.wrappedBuffer(SourceData.CHUNK, 0, Math.min(n, SourceData.CHUNK.length));
                left -= chunk.readableBytes();
                ctx.write(chunk);
            }
            ctx.flush();
            if (left == 0) {
                left = -1;
                ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A client that goes away mid-handshake is normal under load: close quietly.
            ctx.close();
        }
    }

    /** The bytes a source server sends (their content does not matter; one shared array). */
    private static final class SourceData {
        static final byte[] CHUNK = new byte[1 << 16];

        private SourceData() {}
    }
}
