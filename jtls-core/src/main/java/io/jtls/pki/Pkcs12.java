package io.jtls.pki;

import io.jtls.internal.openssl.Bios;
import io.jtls.internal.openssl.ErrorQueue;
import io.jtls.internal.openssl.NativeHandle;
import io.jtls.internal.openssl.NativeKind;
import io.jtls.internal.openssl.Pkcs12Calls;
import io.jtls.internal.openssl.StackCalls;
import io.jtls.internal.openssl.Types;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/** Writes a PKCS#12 file with {@code PKCS12_create}, OpenSSL 3's default algorithms. */
final class Pkcs12 {
    private Pkcs12() {}

    static byte[] create(HeldCertificate held, String passphrase, String friendlyName) {
        List<NativeHandle> owned = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            NativeHandle key = Keys.fromDer(held.privateKeyDer());
            owned.add(key);
            NativeHandle cert = Asn1.certificate(held.certificateDer());
            owned.add(cert);
            ErrorQueue.clear();
            MemorySegment stack = StackCalls.sk_X509_new_null();
            if (Types.isNull(stack)) {
                throw ErrorQueue.exception("sk_X509_new_null", "ERR_OSSL_CRYPTO_MALLOC_FAILURE");
            }
            NativeHandle caStack = NativeHandle.own(NativeKind.OPENSSL_STACK, stack);
            owned.add(caStack);
            for (HeldCertificate intermediate : held.intermediates()) {
                NativeHandle ca = Asn1.certificate(intermediate.certificateDer());
                owned.add(ca);
                // The stack borrows the certificate: it is freed with the other handles, after the stack.
                if (StackCalls.sk_X509_push(caStack.get(), ca.get()) <= 0) {
                    throw ErrorQueue.exception("sk_X509_push", "ERR_OSSL_CRYPTO_MALLOC_FAILURE");
                }
            }
            ErrorQueue.clear();
            MemorySegment p12 = Pkcs12Calls.PKCS12_create(arena.allocateFrom(passphrase),
                    Types.cString(arena, friendlyName), key.get(), cert.get(), caStack.get(), 0, 0, 0, 0, 0);
            if (Types.isNull(p12)) {
                throw ErrorQueue.exception("PKCS12_create", "ERR_OSSL_PKCS12_ERROR");
            }
            try (NativeHandle pkcs12 = NativeHandle.own(NativeKind.PKCS12, p12);
                    NativeHandle bio = Bios.newMemory()) {
                if (Pkcs12Calls.i2d_PKCS12_bio(bio.get(), pkcs12.get()) <= 0) {
                    throw ErrorQueue.exception("i2d_PKCS12_bio", "ERR_OSSL_ASN1_ENCODE_ERROR");
                }
                return Bios.contents(bio);
            }
        } finally {
            // Newest first; freeing the stack (OPENSSL_sk_free) never touches the certificates it borrowed.
            for (int i = owned.size() - 1; i >= 0; i--) {
                owned.get(i).close();
            }
        }
    }
}
