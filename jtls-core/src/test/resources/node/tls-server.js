// Node's tls server as a test peer. Config: JSON in argv[2]. Prints one JSON object per line:
// {"event":"listening","port":N}, {"event":"secureConnection",...}, {"event":"tlsClientError",...},
// {"event":"received","bytes":N,"sha256":"..."} when a client ends its stream.
// Modes (cfg.mode): 'echo' writes back what it reads; 'source' sends cfg.bytes random bytes and ends;
// 'reply' (use with allowHalfOpen) answers "<bytes>:<sha256>" once the client has ended its side.
// cfg.sniCallback {delayMs, contexts: {name: {key, cert}}} installs an asynchronous SNICallback;
// cfg.pauseOnSecure pauses each socket until the line "resume" arrives on stdin;
// cfg.maxSendFragment calls setMaxSendFragment on each socket;
// cfg.destroyOnClientError destroys the socket of each tlsClientError.
'use strict';
const tls = require('tls');
const fs = require('fs');
const crypto = require('crypto');

const cfg = JSON.parse(process.argv[2]);
const read = (v) => (v === undefined ? undefined : Array.isArray(v) ? v.map((p) => fs.readFileSync(p)) : fs.readFileSync(v));
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');

const opts = {
  key: read(cfg.key), cert: read(cfg.cert), ca: read(cfg.ca),
  requestCert: !!cfg.requestCert, rejectUnauthorized: !!cfg.rejectUnauthorized,
};
for (const k of ['ALPNProtocols', 'minVersion', 'maxVersion', 'ciphers', 'handshakeTimeout', 'sessionTimeout', 'allowHalfOpen']) {
  if (cfg[k] !== undefined) opts[k] = cfg[k];
}
if (cfg.ticketKeys) opts.ticketKeys = Buffer.from(cfg.ticketKeys, 'hex');
if (cfg.noTickets) opts.secureOptions = crypto.constants.SSL_OP_NO_TICKET;

if (cfg.sniCallback) {
  const contexts = {};
  for (const [name, c] of Object.entries(cfg.sniCallback.contexts || {})) {
    contexts[name] = tls.createSecureContext({ key: read(c.key), cert: read(c.cert) });
  }
  opts.SNICallback = (name, cb) => {
    out({ event: 'sniCallback', servername: name });
    setTimeout(() => cb(null, contexts[name]), cfg.sniCallback.delayMs || 0);
  };
}

const paused = new Set();
const server = tls.createServer(opts);
for (const [name, c] of Object.entries(cfg.sniContexts || {})) {
  server.addContext(name, { key: read(c.key), cert: read(c.cert), ca: read(c.ca) });
}
if (cfg.sessionCache) {
  const cache = new Map();
  server.on('newSession', (id, data, cb) => { cache.set(id.toString('hex'), data); out({ event: 'newSession' }); cb(); });
  server.on('resumeSession', (id, cb) => { out({ event: 'resumeSession', hit: cache.has(id.toString('hex')) }); cb(null, cache.get(id.toString('hex')) || null); });
}

server.on('secureConnection', (sock) => {
  const peer = sock.getPeerCertificate();
  out({
    event: 'secureConnection', authorized: sock.authorized, authorizationError: sock.authorizationError || null,
    alpnProtocol: sock.alpnProtocol, servername: sock.servername || null, protocol: sock.getProtocol(),
    cipher: sock.getCipher(), peerSubject: peer && peer.subject ? peer.subject : null, reused: sock.isSessionReused(),
  });
  const hash = crypto.createHash('sha256');
  let bytes = 0;
  if (cfg.maxSendFragment) out({ event: 'maxSendFragment', ok: sock.setMaxSendFragment(cfg.maxSendFragment) });
  if (cfg.pauseOnSecure) { sock.pause(); paused.add(sock); }
  sock.on('close', (hadError) => out({ event: 'close', hadError }));
  sock.on('error', (e) => out({ event: 'socketError', code: e.code || null, message: e.message }));
  sock.on('data', (d) => {
    bytes += d.length; hash.update(d);
    if (cfg.mode === 'echo') sock.write(d);
  });
  sock.on('end', () => {
    const digest = hash.digest('hex');
    out({ event: 'received', bytes, sha256: digest });
    if (cfg.mode === 'source') return;
    if (cfg.mode === 'reply') { sock.end(`${bytes}:${digest}`); return; }
    sock.end();
  });
  if (cfg.mode === 'source') {
    const chunk = crypto.randomBytes(65536);
    const sent = crypto.createHash('sha256');
    let left = cfg.bytes || 0;
    const pump = () => {
      while (left > 0) {
        const b = chunk.subarray(0, Math.min(left, chunk.length));
        left -= b.length; sent.update(b);
        if (!sock.write(b)) { sock.once('drain', pump); return; }
      }
      out({ event: 'sent', bytes: cfg.bytes || 0, sha256: sent.digest('hex') });
      sock.end();
    };
    pump();
  }
  if (cfg.greeting) sock.write(cfg.greeting);
});
server.on('tlsClientError', (e, sock) => {
  out({ event: 'tlsClientError', code: e.code || null, message: e.message });
  // Node leaves the socket to the listener (its own test-tls-timeout-server.js destroys it):
  // a handshake timeout does not close the connection by itself.
  if (cfg.destroyOnClientError) sock.destroy();
});
server.on('error', (e) => { out({ event: 'error', code: e.code, message: e.message }); process.exit(1); });
server.listen(cfg.port || 0, cfg.host || '127.0.0.1', () => out({ event: 'listening', port: server.address().port }));
setTimeout(() => process.exit(0), (cfg.lifetime || 60) * 1000).unref();
process.stdin.on('end', () => process.exit(0));
require('readline').createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === 'resume') { for (const s of paused) s.resume(); paused.clear(); out({ event: 'resumed' }); }
});
