"""Interop matrix: Python's ssl module as a server for the jtls client.

Serves one TLS version with one certificate by default and another for the SNI name
(switched in sni_callback), requires a client certificate from cafile, offers ALPN, and
answers each line it reads with what it saw of the connection:
  python-view protocol=... alpn=... servername=... client=<CN> reused=True|False
Prints "listening <port>" once bound. Usage:
matrix_server.py version default_chain default_key sni_name sni_chain sni_key cafile alpn
"""
import socket
import ssl
import sys
import threading

version, dchain, dkey, sni_name, schain, skey, cafile, alpn = sys.argv[1:9]
v = ssl.TLSVersion.TLSv1_3 if version == "TLSv1.3" else ssl.TLSVersion.TLSv1_2


def context(chain, key):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = v
    ctx.maximum_version = v
    ctx.load_cert_chain(chain, key)
    ctx.load_verify_locations(cafile)
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.set_alpn_protocols([alpn])
    return ctx


default = context(dchain, dkey)
sni = context(schain, skey)
seen = {}


def pick(sock, name, ctx):
    seen[id(sock)] = name
    if name == sni_name:
        sock.context = sni


default.sni_callback = pick


def serve(conn):
    try:
        with default.wrap_socket(conn, server_side=True) as s:
            f = s.makefile("rb")
            while f.readline():
                cert = s.getpeercert() or {}
                cn = "-"
                for rdn in cert.get("subject", ()):
                    for k, val in rdn:
                        if k == "commonName":
                            cn = val.replace(" ", "_")
                line = "python-view protocol=%s alpn=%s servername=%s client=%s reused=%s\n" % (
                    s.version(), s.selected_alpn_protocol(), seen.get(id(s)), cn, s.session_reused)
                s.sendall(line.encode())
    except (OSError, ssl.SSLError) as e:
        print("connection failed: %r" % e, flush=True)


listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(16)
print("listening %d" % listener.getsockname()[1], flush=True)
while True:
    c, _ = listener.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
