package io.jtls.jsse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Netty's SslHandler, unchanged, over a JdkSslContext built from a jtls SSLContext: an echo server
 * that {@code openssl s_client} verifies, talks to, and negotiates ALPN with; and the same server
 * from Netty's own {@code SslContextBuilder} given the key material and only the provider.
 */
class NettyOnJtlsTest {
    private static final ApplicationProtocolConfig ALPN = new ApplicationProtocolConfig(
            ApplicationProtocolConfig.Protocol.ALPN, ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, "h2", "http/1.1");

    @Test
    void sslHandlerEchoesToOpensslSClientWithAlpn() throws Exception {
        echoesToOpensslSClient(new JdkSslContext(TestTls.server(TestTls.JTLS), false, null,
                IdentityCipherSuiteFilter.INSTANCE, ALPN, ClientAuth.NONE, null, false));
    }

    /** Netty reads the PEM key and chain and makes the key manager; jtls only as the SSLContext provider. */
    @Test
    void sslContextBuilderWithTheJtlsProviderEchoesToOpensslSClient() throws Exception {
        SslContext sslContext = SslContextBuilder.forServer(
                        new ByteArrayInputStream(TestTls.SERVER.chainPem().getBytes(StandardCharsets.US_ASCII)),
                        new ByteArrayInputStream(TestTls.SERVER.privateKeyPem().getBytes(StandardCharsets.US_ASCII)))
                .sslProvider(SslProvider.JDK).sslContextProvider(TestTls.JTLS).applicationProtocolConfig(ALPN).build();
        // Netty wraps the engine for ALPN; the context underneath is jtls's.
        assertEquals("jtls", ((JdkSslContext) sslContext).context().getProvider().getName());
        echoesToOpensslSClient(sslContext);
    }

    private static void echoesToOpensslSClient(SslContext sslContext) throws Exception {
        BlockingQueue<String> handshakes = new LinkedBlockingQueue<>();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            SslHandler ssl = sslContext.newHandler(ch.alloc());
                            ch.pipeline().addLast(ssl, new ChannelInboundHandlerAdapter() {
                                @Override
                                public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
                                    if (event instanceof SslHandshakeCompletionEvent done) {
                                        handshakes.add(done.isSuccess()
                                                ? ssl.engine().getSession().getProtocol() + " " + ssl.applicationProtocol()
                                                : "failed: " + done.cause());
                                    }
                                    ctx.fireUserEventTriggered(event);
                                }

                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    ctx.writeAndFlush((ByteBuf) msg); // echo
                                }
                            });
                        }
                    }).bind("127.0.0.1", 0).sync().channel();
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            try (SClient client = new SClient(port, TestTls.ROOT.certificatePem(), "-alpn", "h2")) {
                client.writeLine("hello through netty");
                assertEquals("hello through netty", client.readLine());
                client.writeLine("second line");
                assertEquals("second line", client.readLine());
            }
            assertEquals("TLSv1.3 h2", handshakes.poll(30, TimeUnit.SECONDS));
            try (SClient client = new SClient(port, TestTls.ROOT.certificatePem(), "-tls1_2")) {
                client.writeLine("over tls 1.2");
                assertEquals("over tls 1.2", client.readLine());
            }
            assertEquals("TLSv1.2 null", handshakes.poll(30, TimeUnit.SECONDS));
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }
}
