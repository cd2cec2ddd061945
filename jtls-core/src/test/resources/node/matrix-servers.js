// Several Node tls servers in one process, for jtls's parity matrix: one process per test class
// instead of one per configuration keeps the matrix fast. Config: JSON in argv[2],
// {"servers": [{"name": ..., "key": path, "cert": path, ...}, ...]}. Per server:
//   ALPNProtocols, minVersion, maxVersion  as tls.createServer
//   noTickets                              secureOptions SSL_OP_NO_TICKET
//   sessionCache                           Node's documented newSession/resumeSession Map
//   sniContexts {pattern: {key, cert}}     server.addContext(pattern, ...)
//   sniCallback {delayMs, contexts: {name: {key, cert}}}
//                                          an SNICallback answering after delayMs (null for others)
//   replaceContext {key, cert}             server.setSecureContext(...) once listening
// Every server echoes. Prints {"event":"listening","name":...,"port":N} per server, then
// {"event":"ready"}; exits when its stdin ends.
'use strict';
const tls = require('tls');
const fs = require('fs');
const crypto = require('crypto');

const cfg = JSON.parse(process.argv[2]);
const read = (v) => (v === undefined ? undefined : fs.readFileSync(v));
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');

function start(spec) {
  const opts = { key: read(spec.key), cert: read(spec.cert) };
  for (const k of ['ALPNProtocols', 'minVersion', 'maxVersion']) {
    if (spec[k] !== undefined) opts[k] = spec[k];
  }
  if (spec.noTickets) opts.secureOptions = crypto.constants.SSL_OP_NO_TICKET;
  if (spec.sniCallback) {
    const contexts = {};
    for (const [name, c] of Object.entries(spec.sniCallback.contexts || {})) {
      contexts[name] = tls.createSecureContext({ key: read(c.key), cert: read(c.cert) });
    }
    opts.SNICallback = (name, cb) => setTimeout(() => cb(null, contexts[name]), spec.sniCallback.delayMs || 0);
  }
  const server = tls.createServer(opts, (sock) => {
    sock.on('error', () => {});
    sock.pipe(sock);
  });
  server.on('tlsClientError', () => {});
  for (const [pattern, c] of Object.entries(spec.sniContexts || {})) {
    server.addContext(pattern, { key: read(c.key), cert: read(c.cert) });
  }
  if (spec.sessionCache) {
    const cache = new Map();
    server.on('newSession', (id, data, cb) => { cache.set(id.toString('hex'), data); cb(); });
    server.on('resumeSession', (id, cb) => cb(null, cache.get(id.toString('hex')) || null));
  }
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    if (spec.replaceContext) {
      // Node's setSecureContext rebuilds every context option from its argument (secureOptions too).
      server.setSecureContext({ key: read(spec.replaceContext.key), cert: read(spec.replaceContext.cert),
                                secureOptions: opts.secureOptions });
    }
    out({ event: 'listening', name: spec.name, port: server.address().port });
    resolve();
  }));
}

Promise.all(cfg.servers.map(start)).then(() => out({ event: 'ready' }));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
