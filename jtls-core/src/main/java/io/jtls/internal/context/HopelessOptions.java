package io.jtls.internal.context;

import io.jtls.context.SecureContextOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * Options Node accepts although no handshake can ever succeed with them: a certificate without
 * its key, a protocol range that is empty, a {@code ca} holding no certificate. Node builds
 * such a context silently and every handshake then fails ({@code no shared cipher},
 * {@code no protocols available}, {@code unable to get local issuer certificate}); jtls builds
 * it too (parity), and logs one WARNING line naming the options, when the context is built.
 */
final class HopelessOptions {
    private HopelessOptions() {}

    private static final System.Logger LOG = System.getLogger("io.jtls");

    /**
     * What is wrong, one phrase per problem; empty when nothing is.
     *
     * @param caCertificates how many certificates the {@code ca} entries held (unused when {@code ca} is absent)
     */
    static List<String> problems(SecureContextOptions o, ProtocolVersions versions, int caCertificates) {
        List<String> problems = new ArrayList<>();
        boolean hasCert = o.cert() != null && !o.cert().isEmpty();
        boolean hasKey = (o.key() != null && !o.key().isEmpty()) || o.privateKeyIdentifier() != null;
        boolean hasPfx = o.pfx() != null && !o.pfx().isEmpty();
        if (hasCert && !hasKey && !hasPfx) {
            problems.add(OptionErrors.where(o, "options.cert") + " without options.key: the certificate can not be used");
        }
        if (versions.min() != 0 && versions.max() != 0 && versions.min() > versions.max()) {
            problems.add(String.format("the protocol range is empty (options.minVersion %s is above options.maxVersion %s)",
                    name(versions.min(), o.minVersion()), name(versions.max(), o.maxVersion())));
        }
        if (o.ca() != null && !o.ca().isEmpty() && caCertificates == 0) {
            problems.add(OptionErrors.where(o, "options.ca") + " holds no certificate: no peer can be verified");
        }
        return problems;
    }

    /** Logs {@link #problems} in one WARNING line, if there are any. */
    static void warn(SecureContextOptions o, ProtocolVersions versions, int caCertificates) {
        List<String> problems = problems(o, versions, caCertificates);
        if (!problems.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "secure context that can never complete a handshake: "
                    + String.join("; ", problems) + " (Node accepts these options too)");
        }
    }

    private static String name(int version, String given) {
        if (given != null) {
            return given;
        }
        return switch (version) {
            case 0x0300 -> "SSLv3";
            case 0x0301 -> "TLSv1";
            case 0x0302 -> "TLSv1.1";
            case 0x0303 -> "TLSv1.2";
            case 0x0304 -> "TLSv1.3";
            default -> String.format("0x%04x", version);
        } + " (the default)";
    }
}
