package io.jtls.internal.tls;

import io.jtls.error.TlsException;
import java.util.regex.Pattern;

/**
 * A host name pattern of {@code server.addContext(hostname, context)}, matched as Node's default
 * {@code SNICallback} matches it ({@code lib/_tls_wrap.js}): the whole name must match, each
 * {@code *} stands for any run of characters without a dot ({@code [^.]*}), everything else is
 * literal, and the comparison is case-sensitive. So {@code *.example.com} matches
 * {@code www.example.com} but neither {@code example.com} nor {@code a.b.example.com}, and
 * {@code *} alone matches any name without a dot.
 */
public final class ServerNamePattern {
    private final String hostname;
    private final Pattern pattern;

    private ServerNamePattern(String hostname, Pattern pattern) {
        this.hostname = hostname;
        this.pattern = pattern;
    }

    /**
     * The pattern for {@code hostname}.
     *
     * @throws TlsException {@code ERR_TLS_REQUIRED_SERVER_NAME} for a null or empty name, as Node
     */
    public static ServerNamePattern of(String hostname) {
        if (hostname == null || hostname.isEmpty()) {
            throw new TlsException("ERR_TLS_REQUIRED_SERVER_NAME",
                    "\"servername\" is required parameter for Server.addContext");
        }
        StringBuilder regex = new StringBuilder();
        int start = 0;
        for (int star = hostname.indexOf('*'); star >= 0; star = hostname.indexOf('*', start)) {
            if (star > start) {
                regex.append(Pattern.quote(hostname.substring(start, star)));
            }
            regex.append("[^.]*");
            start = star + 1;
        }
        if (start < hostname.length()) {
            regex.append(Pattern.quote(hostname.substring(start)));
        }
        return new ServerNamePattern(hostname, Pattern.compile(regex.toString()));
    }

    /** True when {@code servername} (as the client sent it) matches the whole pattern. */
    public boolean matches(String servername) {
        return servername != null && pattern.matcher(servername).matches();
    }

    /** The name given to {@code addContext}. */
    public String hostname() {
        return hostname;
    }

    @Override
    public String toString() {
        return hostname;
    }
}
