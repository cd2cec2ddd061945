package io.jtls.cli;

import io.jtls.x509.Certificate;
import io.jtls.x509.DistinguishedName;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Node's certificate object ({@code getPeerCertificate(true)}) as the map {@link Json} prints:
 * the property names Node uses, absent properties left out (Node's {@code undefined}), a name
 * given twice in a distinguished name as an array (as Node does), and the issuer chain as a list
 * instead of Node's circular {@code issuerCertificate} links.
 */
final class CertificateJson {
    private CertificateJson() {}

    /** The chain from {@code leaf} up: the leaf, then each issuer until a self-signed root or the end. */
    static List<Map<String, Object>> chain(Certificate leaf) {
        List<Map<String, Object>> chain = new ArrayList<>();
        for (Certificate c = leaf; c != null && chain.size() < 16; ) {
            chain.add(object(c));
            Certificate next = c.issuerCertificate();
            c = next == c ? null : next; // a root links to itself
        }
        return chain;
    }

    /** One certificate's properties, in the order Node prints them. */
    static Map<String, Object> object(Certificate c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("subject", name(c.subject()));
        m.put("issuer", name(c.issuer()));
        putIfPresent(m, "subjectaltname", c.subjectaltname());
        putIfPresent(m, "infoAccess", c.infoAccess());
        m.put("ca", c.ca());
        putIfPresent(m, "modulus", c.modulus());
        putIfPresent(m, "bits", c.bits());
        putIfPresent(m, "exponent", c.exponent());
        if (c.pubkey() != null) m.put("pubkey", HexFormat.of().formatHex(c.pubkey()));
        putIfPresent(m, "asn1Curve", c.asn1Curve());
        putIfPresent(m, "nistCurve", c.nistCurve());
        putIfPresent(m, "valid_from", c.validFrom());
        putIfPresent(m, "valid_to", c.validTo());
        putIfPresent(m, "fingerprint", c.fingerprint());
        putIfPresent(m, "fingerprint256", c.fingerprint256());
        putIfPresent(m, "fingerprint512", c.fingerprint512());
        putIfPresent(m, "ext_key_usage", c.extKeyUsage());
        putIfPresent(m, "serialNumber", c.serialNumber());
        return m;
    }

    private static void putIfPresent(Map<String, Object> m, String key, Object value) {
        if (value != null) m.put(key, value);
    }

    /** Node's name object: {@code {C: 'US', CN: 'x'}}, a repeated type as an array. */
    private static Map<String, Object> name(DistinguishedName dn) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (dn == null) return m;
        for (DistinguishedName.Entry e : dn.entries()) {
            if (m.containsKey(e.type())) continue;
            List<String> all = dn.getAll(e.type());
            m.put(e.type(), all.size() == 1 ? all.getFirst() : all);
        }
        return m;
    }
}
