// Node's tls client running many jobs for jtls's parity matrix, in one process. Config: JSON in
// argv[2], {"jobs": [{"id": ..., "port": N, "servername": ..., "ALPNProtocols": [...],
// "minVersion": ..., "maxVersion": ..., "sigalgs": ..., "connections": n}, ...], "parallel": k}.
// A job makes `connections` connections one after the other; each sends "ping" and waits for the
// echo (a round trip: TLS 1.3 tickets, sent before the echo, have then been received), and every
// connection after the first offers the session the first one got last (as s_client -sess_in).
// Certificates are not verified: the test compares which one was served.
// Prints one line per job: {"event":"job","id":...,"conns":[{"protocol","alpn","cn","reused"} or
// {"error"}]}, then {"event":"done"}.
'use strict';
const tls = require('tls');

const cfg = JSON.parse(process.argv[2]);
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');

function connectOnce(job, session) {
  return new Promise((resolve) => {
    const opts = { host: '127.0.0.1', port: job.port, rejectUnauthorized: false, session };
    for (const k of ['servername', 'ALPNProtocols', 'minVersion', 'maxVersion', 'sigalgs']) {
      if (job[k] !== undefined) opts[k] = job[k];
    }
    let last = null;
    let result = null;
    const sock = tls.connect(opts, () => {
      const peer = sock.getPeerCertificate();
      result = {
        protocol: sock.getProtocol(), alpn: sock.alpnProtocol || null,
        cn: peer && peer.subject ? peer.subject.CN : null, reused: sock.isSessionReused(),
      };
      sock.write('ping');
    });
    sock.on('session', (s) => { last = s; });
    sock.on('data', () => {
      if (result && !result.done) { result.done = true; sock.end(); }
    });
    sock.on('error', (e) => { if (!result) result = { error: e.code || e.message }; });
    sock.on('close', () => {
      const r = result || { error: 'closed before secureConnect' };
      delete r.done;
      resolve({ conn: r, session: last });
    });
  });
}

async function run(job) {
  const conns = [];
  let session;
  for (let i = 0; i < (job.connections || 1); i++) {
    const r = await connectOnce(job, session);
    conns.push(r.conn);
    if (i === 0) session = r.session || undefined;
  }
  out({ event: 'job', id: job.id, conns });
}

(async () => {
  const queue = cfg.jobs.slice();
  const workers = [];
  for (let w = 0; w < (cfg.parallel || 4); w++) {
    workers.push((async () => { while (queue.length) await run(queue.shift()); })());
  }
  await Promise.all(workers);
  out({ event: 'done' });
})();
