package io.jtls.x509;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A certificate's subject or issuer, as the {@code subject} and {@code issuer} objects of Node's
 * certificate object: attribute types by OpenSSL short name ({@code C}, {@code ST}, {@code L},
 * {@code O}, {@code OU}, {@code CN}, {@code emailAddress}, ...; the dotted OID when OpenSSL does
 * not know the type), values decoded to Unicode without any escaping.
 *
 * <p>Unlike Node's plain object it keeps every entry in certificate order, so repeated
 * attributes are not lost: {@link #get} gives the first value, {@link #getAll} every value,
 * and {@link #asMap()} gives Node's exact shape (a repeated attribute becomes a list).
 * Multi-valued RDNs are flattened, as Node does.
 */
public final class DistinguishedName {
    /**
     * One attribute: its type (short name or dotted OID) and value.
     *
     * @param type the type
     * @param value the value
     */
    public record Entry(String type, String value) {
        /** Checks and keeps the values. */
        public Entry {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(value, "value");
        }
    }

    private static final DistinguishedName EMPTY = new DistinguishedName(List.of());

    private final List<Entry> entries;

    private DistinguishedName(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /**
     * A name from its entries, in order.
     *
     * @param entries the entries
     * @return a name from its entries, in order
     */
    public static DistinguishedName of(List<Entry> entries) {
        return entries.isEmpty() ? EMPTY : new DistinguishedName(entries);
    }

    /**
     * A name from alternating types and values, in order:
     * {@code DistinguishedName.of("O", "Acme", "OU", "Eng", "OU", "Ops", "CN", "example.com")}.
     *
     * @param typesAndValues the types and values
     * @return a name from alternating types and values, in order: {@code DistinguishedName.of("O", "Acme",
     *         "OU", "Eng", "OU", "Ops", "CN", "example.com")}
     */
    public static DistinguishedName of(String... typesAndValues) {
        if (typesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("types and values must come in pairs");
        }
        List<Entry> list = new ArrayList<>(typesAndValues.length / 2);
        for (int i = 0; i < typesAndValues.length; i += 2) {
            list.add(new Entry(typesAndValues[i], typesAndValues[i + 1]));
        }
        return of(list);
    }

    /**
     * A name with no entries.
     *
     * @return the empty name
     */
    public static DistinguishedName empty() {
        return EMPTY;
    }

    /**
     * Every entry, in the certificate's order.
     *
     * @return every entry, in the certificate's order
     */
    public List<Entry> entries() {
        return entries;
    }

    /**
     * The Empty.
     *
     * @return true when the name has no entry
     */
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /**
     * The first value of an attribute ({@code get("CN")}), or null when absent.
     *
     * @param type the type
     * @return the first value of an attribute ({@code get("CN")}), or null when absent
     */
    public String get(String type) {
        for (Entry e : entries) {
            if (e.type().equals(type)) {
                return e.value();
            }
        }
        return null;
    }

    /**
     * Every value of an attribute, in order; empty when absent.
     *
     * @param type the type
     * @return every value of an attribute, in order; empty when absent
     */
    public List<String> getAll(String type) {
        List<String> values = new ArrayList<>(1);
        for (Entry e : entries) {
            if (e.type().equals(type)) {
                values.add(e.value());
            }
        }
        return Collections.unmodifiableList(values);
    }

    /**
     * Node's object shape: keys in order of first appearance; a key seen once maps to its
     * {@code String}, a repeated key to a {@code List<String>} of its values. Unmodifiable.
     *
     * @return Node's object shape: keys in order of first appearance; a key seen once maps to its {@code
     *         String}, a repeated key to a {@code List<String>} of its values
     */
    public Map<String, Object> asMap() {
        Map<String, List<String>> grouped = new LinkedHashMap<>();
        for (Entry e : entries) {
            grouped.computeIfAbsent(e.type(), k -> new ArrayList<>(1)).add(e.value());
        }
        Map<String, Object> map = new LinkedHashMap<>();
        grouped.forEach((k, v) -> map.put(k, v.size() == 1 ? v.getFirst() : List.copyOf(v)));
        return Collections.unmodifiableMap(map);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DistinguishedName other && entries.equals(other.entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    /** The entries as {@code C=US, O=Acme, CN=example.com} (for reading, not for parsing). */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Entry e : entries) {
            sb.append(sb.isEmpty() ? "" : ", ").append(e.type()).append('=').append(e.value());
        }
        return sb.toString();
    }
}
