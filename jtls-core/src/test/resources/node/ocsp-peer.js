// Node's OCSP stapling as a test peer. Config: JSON in argv[2]. Prints one JSON object per line.
// cfg.mode 'client': tls.connect({requestOCSP: cfg.requestOCSP !== false, ...}) to cfg.port; prints
//   {"event":"OCSPResponse","hex":<hex>|null,"afterSecure":bool} for each 'OCSPResponse' event,
//   {"event":"secureConnect","protocol":...} and {"event":"error","code":...}; ends once secure.
//   With cfg.resume a second connection offers the first one's session; each event has its "round".
// cfg.mode 'server': tls.createServer with an 'OCSPRequest' listener that prints
//   {"event":"OCSPRequest","certificate":<hex>,"issuer":<hex>|null} and staples cfg.responseHex
//   (none when absent); prints {"event":"listening","port":N} and {"event":"secureConnection",...}.
'use strict';
const tls = require('tls');
const fs = require('fs');

const cfg = JSON.parse(process.argv[2]);
const read = (v) => (v === undefined ? undefined : fs.readFileSync(v));
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const hex = (b) => (b === undefined || b === null ? null : Buffer.from(b).toString('hex'));

if (cfg.mode === 'client') {
  const opts = {
    host: '127.0.0.1', port: cfg.port, ca: read(cfg.ca), servername: cfg.servername || 'localhost',
    requestOCSP: cfg.requestOCSP !== false,
  };
  for (const k of ['minVersion', 'maxVersion']) if (cfg[k] !== undefined) opts[k] = cfg[k];
  // cfg.resume: a second connection offers the first one's session ("round" 2).
  const connect = (round, session) => {
    let secure = false;
    let last = null;
    const sock = tls.connect({ ...opts, session }, () => {
      secure = true;
      out({ event: 'secureConnect', round, protocol: sock.getProtocol(), authorized: sock.authorized, reused: sock.isSessionReused() });
      sock.end();
    });
    sock.on('session', (s) => { last = s; });
    sock.on('data', () => {});
    sock.on('OCSPResponse', (resp) => out({ event: 'OCSPResponse', round, hex: hex(resp), afterSecure: secure }));
    sock.on('error', (e) => out({ event: 'error', round, code: e.code || null, message: e.message }));
    sock.on('close', () => {
      out({ event: 'close', round });
      if (cfg.resume && round === 1) connect(2, last);
    });
  };
  connect(1, undefined);
} else {
  const opts = { key: read(cfg.key), cert: read(cfg.cert), ca: read(cfg.ca) };
  for (const k of ['minVersion', 'maxVersion']) if (cfg[k] !== undefined) opts[k] = cfg[k];
  const server = tls.createServer(opts, (sock) => {
    out({ event: 'secureConnection', protocol: sock.getProtocol() });
    sock.on('error', () => {});
    sock.on('data', () => {});
    sock.on('end', () => sock.end()); // the client ends first: its TLS 1.3 ticket has arrived by then
  });
  server.on('OCSPRequest', (certificate, issuer, callback) => {
    out({ event: 'OCSPRequest', certificate: hex(certificate), issuer: hex(issuer) });
    callback(null, cfg.responseHex ? Buffer.from(cfg.responseHex, 'hex') : null);
  });
  server.on('tlsClientError', (e) => out({ event: 'tlsClientError', code: e.code || null, message: e.message }));
  server.listen(0, '127.0.0.1', () => out({ event: 'listening', port: server.address().port }));
}
