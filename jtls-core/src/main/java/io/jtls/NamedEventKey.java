package io.jtls;

import io.jtls.net.EventKey;

/** An event key with a listener type of its own (several arguments), for the TLS classes' events. */
final class NamedEventKey<L> extends EventKey<L> {
    NamedEventKey(String name) {
        super(name);
    }
}
