package io.jtls.jsse.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtls.jsse.JtlsProvider;
import java.util.List;
import java.util.ServiceLoader;
import org.eclipse.jetty.io.ssl.ALPNProcessor;
import org.junit.jupiter.api.Test;

/** Jetty finds the processor the way it finds its own, and it claims jtls's engines only. */
class JtlsAlpnServerProcessorTest {

    @Test
    void jettysServiceLoaderLookupFindsItBesideTheJdkProcessor() {
        List<ALPNProcessor.Server> processors = ServiceLoader.load(ALPNProcessor.Server.class).stream()
                .map(ServiceLoader.Provider::get).toList();
        assertEquals(1, processors.stream().filter(p -> p instanceof JtlsAlpnServerProcessor).count(), processors.toString());
        assertTrue(processors.size() >= 2, "Jetty's JDK processor is on the test class path too: " + processors);
    }

    @Test
    void appliesToJtlsEnginesAndLeavesTheJdksToJetty() throws Exception {
        JtlsAlpnServerProcessor processor = new JtlsAlpnServerProcessor();
        assertTrue(processor.appliesTo(JettyTls.jtlsServer().createSSLEngine()));
        assertFalse(processor.appliesTo(JettyTls.client(JettyTls.jdk()).createSSLEngine()));
        assertTrue(JtlsProvider.isJtlsEngine(JettyTls.client(new JtlsProvider()).createSSLEngine()));
    }
}
