// Node's ALPNCallback server option and an ALPN client, as a test peer. Config: JSON in argv[2]:
// server: {role: 'server', key, cert, answer} where answer is 'second' (the client's second
//   protocol), 'first', 'none' (undefined), 'invalid' (a protocol not offered) or 'throw'.
// client: {role: 'client', port, servername, protocols} (protocols may be absent: no ALPN).
// Prints one JSON object per line: listening, alpnCallback {servername, protocols},
// secureConnection/secureConnect {alpn}, tlsClientError/error {code, name, message}, close.
'use strict';
const tls = require('tls');
const fs = require('fs');

const cfg = JSON.parse(process.argv[2]);
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const failure = (event, e) => out({ event, code: e.code || null, name: e.name, message: e.message });

if (cfg.role === 'server') {
  const server = tls.createServer({
    key: fs.readFileSync(cfg.key), cert: fs.readFileSync(cfg.cert),
    ALPNCallback: ({ servername, protocols }) => {
      out({ event: 'alpnCallback', servername, protocols });
      switch (cfg.answer) {
        case 'first': return protocols[0];
        case 'second': return protocols[1];
        case 'none': return undefined;
        case 'invalid': return 'not-offered';
        default: throw new Error('alpn boom');
      }
    },
  }, (sock) => {
    out({ event: 'secureConnection', alpn: sock.alpnProtocol });
    sock.on('error', () => {});
    sock.end();
  });
  server.on('tlsClientError', (e) => failure('tlsClientError', e));
  server.listen(0, '127.0.0.1', () => out({ event: 'listening', port: server.address().port }));
} else {
  const sock = tls.connect({
    port: cfg.port, host: '127.0.0.1', servername: cfg.servername, rejectUnauthorized: false,
    ALPNProtocols: cfg.protocols,
  }, () => out({ event: 'secureConnect', alpn: sock.alpnProtocol }));
  sock.on('data', () => {});
  sock.on('error', (e) => failure('error', e));
  sock.on('close', () => out({ event: 'close' }));
}
