package io.jtls.net;

import static io.jtls.net.NetTesting.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Addresses are written as Node writes them. */
class AddressTest {

    @Test
    void ipv6IsWrittenInItsShortForm() throws Exception {
        assertEquals("::1", AddressInfo.text(InetAddress.getByName("::1")));
        assertEquals("::", AddressInfo.text(InetAddress.getByName("::")));
        assertEquals("2001:db8::1:0:0:1", AddressInfo.text(InetAddress.getByName("2001:db8:0:0:1:0:0:1")));
        assertEquals("2001:db8:0:1:1:1:1:1", AddressInfo.text(InetAddress.getByName("2001:db8:0:1:1:1:1:1")));
        assertEquals("fe80::", AddressInfo.text(InetAddress.getByName("fe80::")));
        assertEquals("10.0.0.1", AddressInfo.text(InetAddress.getByName("10.0.0.1")));
    }

    @Test
    void serverWithoutHostListensOnEveryInterface() {
        Server server = Net.createServer(null);
        CompletableFuture<AddressInfo> address = new CompletableFuture<>();
        server.listen(0, () -> address.complete(server.address()));
        AddressInfo info = await(address);
        Assumptions.assumeTrue(info.family().equals("IPv6"), "no IPv6 on this machine");
        assertEquals("::", info.address());
        server.close();
    }

    @Test
    void ipv6LoopbackConnection() {
        Server server = Net.createServer(socket -> socket.pipe(socket));
        CompletableFuture<Integer> port = new CompletableFuture<>();
        server.on(EventEmitter.ERROR, port::completeExceptionally);
        server.listen(0, "::1", () -> port.complete(server.address().port()));
        int p;
        try {
            p = port.get(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            Assumptions.abort("no IPv6 loopback: " + e);
            return;
        }
        assertEquals(new AddressInfo("::1", "IPv6", p), server.address());
        Socket client = new Socket();
        NetTesting.Recorder events = new NetTesting.Recorder(client).readAll(client);
        client.connect(p, "::1", () -> client.end("six"));
        await(events.closed);
        assertEquals("six", events.data());
        assertEquals("::1", client.remoteAddress());
        assertEquals("IPv6", client.remoteFamily());
        server.close();
    }
}
