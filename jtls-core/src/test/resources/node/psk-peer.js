// Node's tls with pre-shared keys, as a test peer. Config: JSON in argv[2]:
// {role: 'server'|'client', port, key (hex), identity, hint, answer, ciphers, minVersion, maxVersion}
// answer: 'key' (default) returns the key, 'null' returns null, 'throw' throws Error('psk boom').
// The server echoes; the client sends "ping\n", waits for it back and ends.
// Prints one JSON object per line: listening, pskCallback, secureConnection/secureConnect,
// tlsClientError/error (code, message), echoed, close.
'use strict';
const tls = require('tls');

const cfg = JSON.parse(process.argv[2]);
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const key = Buffer.from(cfg.key || '', 'hex');
const answer = (value) => {
  if (cfg.answer === 'null') return null;
  if (cfg.answer === 'throw') throw new Error('psk boom');
  return value;
};
const common = {};
for (const k of ['ciphers', 'minVersion', 'maxVersion']) if (cfg[k] !== undefined) common[k] = cfg[k];

if (cfg.role === 'server') {
  const server = tls.createServer({
    ...common,
    pskIdentityHint: cfg.hint,
    pskCallback: (socket, identity) => {
      out({ event: 'pskCallback', identity, socket: socket instanceof tls.TLSSocket });
      return answer(key);
    },
  }, (sock) => {
    out({ event: 'secureConnection', protocol: sock.getProtocol(), cipher: sock.getCipher().name });
    sock.on('error', (e) => out({ event: 'socketError', code: e.code || null, message: e.message }));
    sock.pipe(sock);
  });
  server.on('tlsClientError', (e) => out({ event: 'tlsClientError', code: e.code || null, message: e.message }));
  server.listen(0, '127.0.0.1', () => out({ event: 'listening', port: server.address().port }));
} else {
  const sock = tls.connect({
    ...common,
    port: cfg.port, host: '127.0.0.1',
    checkServerIdentity: () => undefined, // no certificate with PSK (as Node documents)
    pskCallback: (hint) => {
      out({ event: 'pskCallback', hint });
      return answer({ psk: key, identity: cfg.identity });
    },
  }, () => {
    out({ event: 'secureConnect', protocol: sock.getProtocol(), cipher: sock.getCipher().name, authorized: sock.authorized });
    sock.write('ping\n');
  });
  let got = '';
  sock.on('data', (d) => {
    got += d;
    if (got === 'ping\n') { out({ event: 'echoed' }); sock.end(); }
  });
  sock.on('error', (e) => out({ event: 'error', code: e.code || null, message: e.message }));
  sock.on('close', () => out({ event: 'close' }));
}
