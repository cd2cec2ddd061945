// The bulk floor with sockets: the least a TLS server on this OpenSSL can spend per MiB under the
// bench's Node client. One C thread, one blocking socket, OpenSSL's own socket BIO, no event loop,
// no runtime: SSL_read_ex into one 64 KiB buffer (sink), SSL_write_ex of 64 KiB chunks (source).
// Decryption/encryption, OpenSSL's record handling and the kernel's TCP work are all that remain,
// so `srv us/MiB` of this server is what no server can go below (nginx and Node pay all of it too).
//
// Takes server-node.js's options, so `load.js bulk --pid` measures it like any server:
//   cc -O2 -o /tmp/bulk-floor scripts/bulk-floor.c -lssl -lcrypto
//   CERTS_DIR=... taskset -c 0 /tmp/bulk-floor --mode sink|source [--bytes N] [--cert ec|rsa]
//       [--port 0] [--host 127.0.0.1] [--chunk 65536] [--read-ahead] ... & # prints: listening PORT
//   CERTS_DIR=... taskset -c 1 node load.js bulk --dir sink|source --port PORT --pid $!
// --read-ahead: SSL_set_read_ahead(1), OpenSSL reads whole socket buffers instead of record by record.
// Other server-node.js options (--lifetime, --min, --max, --tickets, --idcache, --ciphers) are
// accepted; --lifetime ends the process, the rest are OpenSSL's defaults as in the bench.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void die(const char *what) {
    fprintf(stderr, "bulk-floor: %s\n", what);
    ERR_print_errors_fp(stderr);
    exit(1);
}

static SSL_CTX *server_context(const char *certs, const char *key_type) {
    char cert[4096], key[4096];
    snprintf(cert, sizeof cert, "%s/server-%s.crt", certs, key_type);
    snprintf(key, sizeof key, "%s/server-%s.key", certs, key_type);
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx || SSL_CTX_use_certificate_chain_file(ctx, cert) != 1
            || SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1)
        die("cannot load the certificate and key from CERTS_DIR");
    return ctx;
}

static int listen_on(const char *host, int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, host, &sa.sin_addr);
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (void *)&sa, sizeof sa) || listen(fd, 64)) die("cannot listen");
    socklen_t len = sizeof sa;
    getsockname(fd, (void *)&sa, &len);
    printf("listening %d\n", ntohs(sa.sin_port));
    fflush(stdout);
    return fd;
}

static void serve(SSL_CTX *ctx, int fd, int sink, long long bytes, size_t chunk, int read_ahead) {
    static unsigned char buf[1 << 20];
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // as Node and jtls
    SSL *ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    if (read_ahead) SSL_set_read_ahead(ssl, 1);
    if (SSL_accept(ssl) != 1) { ERR_clear_error(); goto done; }
    size_t n;
    if (sink) {
        while (SSL_read_ex(ssl, buf, 65536, &n) == 1) {}
    } else {
        memset(buf, 'a', chunk);
        for (long long left = bytes; left > 0; left -= (long long)n) {
            size_t want = left < (long long)chunk ? (size_t)left : chunk;
            if (SSL_write_ex(ssl, buf, want, &n) != 1) break;
        }
    }
    SSL_shutdown(ssl);
done:
    ERR_clear_error();
    SSL_free(ssl);
    close(fd);
}

int main(int argc, char **argv) {
    const char *mode = "sink", *key_type = "ec", *host = "127.0.0.1";
    long long bytes = 1LL << 30;
    long port = 0, chunk = 65536, lifetime = 0;
    int read_ahead = 0;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : "";
        if (!strcmp(o, "--read-ahead")) { read_ahead = 1; continue; }
        if (!strcmp(o, "--mode")) mode = v;
        else if (!strcmp(o, "--cert")) key_type = v;
        else if (!strcmp(o, "--host")) host = v;
        else if (!strcmp(o, "--port")) port = atol(v);
        else if (!strcmp(o, "--bytes")) bytes = atoll(v);
        else if (!strcmp(o, "--chunk")) chunk = atol(v);
        else if (!strcmp(o, "--lifetime")) lifetime = atol(v);
        i++;  // every other option takes a value and is OpenSSL's default here
    }
    if (strcmp(mode, "sink") && strcmp(mode, "source")) die("--mode must be sink or source");
    if (chunk < 1 || chunk > 1 << 20) die("--chunk must be 1 to 1 MiB");
    const char *certs = getenv("CERTS_DIR");
    if (!certs) die("CERTS_DIR is not set");
    signal(SIGPIPE, SIG_IGN);
    if (lifetime > 0) alarm((unsigned)lifetime);
    SSL_CTX *ctx = server_context(certs, key_type);
    int listener = listen_on(host, (int)port);
    for (;;) {
        int fd = accept(listener, NULL, NULL);
        if (fd >= 0) serve(ctx, fd, !strcmp(mode, "sink"), bytes, (size_t)chunk, read_ahead);
    }
}
