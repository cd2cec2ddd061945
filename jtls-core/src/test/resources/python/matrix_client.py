"""Interop matrix: Python's ssl module as a client of the jtls matrix server.

Two HTTP requests on two connections, the second resuming the first one's session
(the session= argument); prints each answer (the server's view) and what Python saw.
Usage: matrix_client.py host port servername cafile certfile keyfile alpn version
"""
import socket
import ssl
import sys

host, port, servername, cafile, certfile, keyfile, alpn, version = sys.argv[1:9]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(cafile)
ctx.load_cert_chain(certfile, keyfile)
ctx.set_alpn_protocols([alpn, "http/1.1"])
v = ssl.TLSVersion.TLSv1_3 if version == "TLSv1.3" else ssl.TLSVersion.TLSv1_2
ctx.minimum_version = v
ctx.maximum_version = v


def request(path, session):
    with socket.create_connection((host, int(port)), timeout=20) as raw:
        # ragged EOFs not suppressed: an answer that ends without close_notify fails the run
        with ctx.wrap_socket(raw, server_hostname=servername, session=session,
                             suppress_ragged_eofs=False) as s:
            s.sendall(("GET %s HTTP/1.1\r\nHost: %s\r\n\r\n" % (path, servername)).encode())
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
            print(data.decode(errors="replace").split("\r\n\r\n", 1)[-1].strip())
            print("python-client alpn=%s reused=%s" % (s.selected_alpn_protocol(), s.session_reused))
            # TLS 1.3: the ticket came after the handshake, with the data: the session is read last
            return s.session


first = request("/python-1", None)
request("/python-2", first)
sys.stdout.flush()
