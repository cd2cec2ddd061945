// Node's tls client for the cross-process resumption tests. Config: JSON in argv[2]:
//   {"ca": "/path/ca.pem", "maxVersion": "TLSv1.2"|"TLSv1.3", "pairs": [[portA, portB], ...]}
// For each pair: a full handshake with portA, keeping the last 'session' it emits, then a
// connection to portB offering that session. Each connection reads the server's first line
// ("reused=... protocol"), ends, and waits for 'close' (so every ticket has arrived). Prints
// one JSON line per connection: {"port", "reused", "server", "sessions", "error"}.
'use strict';
const tls = require('tls');
const fs = require('fs');

const cfg = JSON.parse(process.argv[2]);
const ca = fs.readFileSync(cfg.ca);

function visit(port, session) {
  return new Promise((resolve) => {
    const result = { port, reused: null, server: null, sessions: 0, error: null };
    let last = null;
    let text = '';
    const sock = tls.connect({
      host: '127.0.0.1', port, servername: 'localhost', ca, maxVersion: cfg.maxVersion,
      session: session || undefined,
    }, () => { result.reused = sock.isSessionReused(); });
    sock.on('session', (s) => { result.sessions++; last = s; });
    sock.on('data', (d) => {
      text += d.toString();
      const nl = text.indexOf('\n');
      if (nl >= 0 && result.server === null) {
        result.server = text.slice(0, nl);
        sock.end();
      }
    });
    sock.on('error', (e) => { result.error = e.code || String(e); });
    sock.on('close', () => resolve({ result, session: last }));
  });
}

(async () => {
  for (const [a, b] of cfg.pairs) {
    const first = await visit(a, null);
    process.stdout.write(JSON.stringify(first.result) + '\n');
    const second = await visit(b, first.session);
    process.stdout.write(JSON.stringify(second.result) + '\n');
  }
})();
