// Node's tls client as a test peer. Config: JSON in argv[2]. Prints one JSON object per line:
// {"event":"secureConnect",...}, {"event":"session","hex":...}, {"event":"error","code":...},
// {"event":"received","bytes":N,"sha256":...}, {"event":"close"}.
// cfg.sendBytes sends that many random bytes then ends ({"event":"sent",...}); cfg.send sends a text;
// cfg.pauseOnSecure pauses reading until the line "resume" arrives on stdin;
// cfg.maxSendFragment calls setMaxSendFragment once secure.
'use strict';
const tls = require('tls');
const fs = require('fs');
const crypto = require('crypto');

const cfg = JSON.parse(process.argv[2]);
const read = (v) => (v === undefined ? undefined : Array.isArray(v) ? v.map((p) => fs.readFileSync(p)) : fs.readFileSync(v));
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');

const opts = {
  host: cfg.host || '127.0.0.1', port: cfg.port, ca: read(cfg.ca), key: read(cfg.key), cert: read(cfg.cert),
  rejectUnauthorized: cfg.rejectUnauthorized !== false,
};
for (const k of ['servername', 'ALPNProtocols', 'minVersion', 'maxVersion', 'ciphers', 'sigalgs']) {
  if (cfg[k] !== undefined) opts[k] = cfg[k];
}
if (cfg.session) opts.session = Buffer.from(cfg.session, 'hex');

const sock = tls.connect(opts, () => {
  if (cfg.maxSendFragment) out({ event: 'maxSendFragment', ok: sock.setMaxSendFragment(cfg.maxSendFragment) });
  if (cfg.pauseOnSecure) sock.pause();
  const peer = sock.getPeerCertificate();
  out({
    event: 'secureConnect', authorized: sock.authorized, authorizationError: sock.authorizationError || null,
    alpnProtocol: sock.alpnProtocol, servername: sock.servername || null, protocol: sock.getProtocol(), cipher: sock.getCipher(),
    peerSubject: peer && peer.subject ? peer.subject : null, reused: sock.isSessionReused(),
  });
  let data = Buffer.alloc(0);
  if (cfg.sendBytes) {
    const chunk = crypto.randomBytes(65536);
    const sent = crypto.createHash('sha256');
    let left = cfg.sendBytes;
    const pump = () => {
      while (left > 0) {
        const b = chunk.subarray(0, Math.min(left, chunk.length));
        left -= b.length; sent.update(b);
        if (!sock.write(b)) { sock.once('drain', pump); return; }
      }
      out({ event: 'sent', bytes: cfg.sendBytes, sha256: sent.digest('hex') });
      sock.end();
    };
    pump();
  } else if (cfg.send !== undefined) {
    sock.write(cfg.send);
    if (cfg.endAfterSend !== false) sock.end();
  } else if (cfg.endImmediately !== false) {
    sock.end();
  }
});
const hash = crypto.createHash('sha256');
let bytes = 0;
sock.on('data', (d) => { bytes += d.length; hash.update(d); if (cfg.printData) out({ event: 'data', text: d.toString() }); });
sock.on('end', () => out({ event: 'received', bytes, sha256: hash.digest('hex') }));
sock.on('session', (s) => out({ event: 'session', hex: s.toString('hex') }));
sock.on('error', (e) => out({ event: 'error', code: e.code || null, message: e.message, reason: e.reason || null }));
sock.on('close', () => { out({ event: 'close' }); setTimeout(() => process.exit(0), 50); });
setTimeout(() => { out({ event: 'timeout' }); process.exit(3); }, (cfg.lifetime || 30) * 1000).unref();
require('readline').createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === 'resume') { sock.resume(); out({ event: 'resumed' }); }
});
