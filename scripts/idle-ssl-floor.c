/*
 * OpenSSL's own memory per idle server connection: the floor under any server on this
 * OpenSSL (jtls, Node, nginx all keep one SSL per connection). N server SSLs finish a TLS 1.3
 * handshake with a client over memory BIOs (as jtls's engine does), the client is freed, the
 * server SSL is kept idle; prints glibc's bytes in use per kept SSL (mallinfo2).
 *
 *   cc -O2 -o /tmp/idle-ssl-floor scripts/idle-ssl-floor.c -lssl -lcrypto
 *   /tmp/idle-ssl-floor CERTS_DIR [N]    (CERTS_DIR holds the bench's server-ec.crt/.key)
 *
 * Three lines: right after SSL_new (no handshake), after the handshake, and after the
 * handshake with both memory BIOs swapped for empty ones (what TlsEngine does once the last
 * flight has left: a memory BIO never shrinks).
 */
#include <malloc.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>

enum { NO_HANDSHAKE, HANDSHAKE, HANDSHAKE_RENEW_BIOS };

static void move(BIO *from, BIO *to) {
    char chunk[16384];
    int n;
    while ((n = BIO_read(from, chunk, sizeof chunk)) > 0) BIO_write(to, chunk, n);
}

static SSL *idle_server(SSL_CTX *server_ctx, SSL_CTX *client_ctx, int mode) {
    SSL *server = SSL_new(server_ctx), *client = SSL_new(client_ctx);
    BIO *s_in = BIO_new(BIO_s_mem()), *s_out = BIO_new(BIO_s_mem());
    BIO *c_in = BIO_new(BIO_s_mem()), *c_out = BIO_new(BIO_s_mem());
    SSL_set_bio(server, s_in, s_out);
    SSL_set_bio(client, c_in, c_out);
    SSL_set_mode(server, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_AUTO_RETRY);
    SSL_set_accept_state(server);
    SSL_set_connect_state(client);
    if (mode != NO_HANDSHAKE) {
        char none[1];
        for (int flight = 0; flight < 4; flight++) {
            SSL_do_handshake(client); move(c_out, s_in);
            SSL_do_handshake(server); move(s_out, c_in);
        }
        SSL_read(client, none, sizeof none); /* takes the tickets */
        SSL_read(server, none, sizeof none); /* waits for data, as an idle connection does */
        if (!SSL_is_init_finished(server)) { ERR_print_errors_fp(stderr); exit(1); }
    }
    if (mode == HANDSHAKE_RENEW_BIOS) {
        SSL_set0_rbio(server, BIO_new(BIO_s_mem()));
        SSL_set0_wbio(server, BIO_new(BIO_s_mem()));
    }
    SSL_free(client);
    return server;
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: %s CERTS_DIR [N]\n", argv[0]); return 2; }
    int n = argc > 2 ? atoi(argv[2]) : 2000;
    char cert[1024], key[1024];
    snprintf(cert, sizeof cert, "%s/server-ec.crt", argv[1]);
    snprintf(key, sizeof key, "%s/server-ec.key", argv[1]);
    SSL_CTX *server_ctx = SSL_CTX_new(TLS_server_method()), *client_ctx = SSL_CTX_new(TLS_client_method());
    if (SSL_CTX_use_certificate_chain_file(server_ctx, cert) != 1
        || SSL_CTX_use_PrivateKey_file(server_ctx, key, SSL_FILETYPE_PEM) != 1) {
        ERR_print_errors_fp(stderr);
        return 1;
    }
    const char *names[] = { "SSL_new only", "after the handshake", "handshake, BIOs renewed" };
    SSL **kept = calloc(n, sizeof *kept);
    for (int mode = NO_HANDSHAKE; mode <= HANDSHAKE_RENEW_BIOS; mode++) {
        for (int i = 0; i < 50; i++) SSL_free(idle_server(server_ctx, client_ctx, mode)); /* warm caches */
        malloc_trim(0);
        struct mallinfo2 before = mallinfo2();
        for (int i = 0; i < n; i++) kept[i] = idle_server(server_ctx, client_ctx, mode);
        malloc_trim(0);
        struct mallinfo2 after = mallinfo2();
        printf("%-26s %6.0f bytes per idle server SSL\n", names[mode], (double)(after.uordblks - before.uordblks) / n);
        for (int i = 0; i < n; i++) SSL_free(kept[i]);
    }
    return 0;
}
