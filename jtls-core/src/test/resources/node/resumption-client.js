// A Node client that resumes: one connection that waits for a session ('session' event, the
// last one within the connection), then `reconnects` connections offering it. One JSON line per
// connection: {"conn": i, "protocol": ..., "reused": ..., "sessions": n}. For jtls's resumption tests.
// Usage: node resumption-client.js '{"port": 8443, "ca": "/path/ca.pem", "maxVersion": "TLSv1.3", "reconnects": 3}'
'use strict';
const tls = require('tls');
const fs = require('fs');

const config = JSON.parse(process.argv[2]);
const base = {
  host: '127.0.0.1',
  port: config.port,
  servername: 'localhost',
  ca: fs.readFileSync(config.ca),
  maxVersion: config.maxVersion || 'TLSv1.3',
  minVersion: config.minVersion || 'TLSv1.2',
};

function connect(i, session) {
  return new Promise((resolve, reject) => {
    const sessions = [];
    const socket = tls.connect({ ...base, session }, () => {
      // TLS 1.3 tickets come after the handshake: give them a moment, then report.
      setTimeout(() => {
        const line = { conn: i, protocol: socket.getProtocol(), reused: socket.isSessionReused(),
                       sessions: sessions.length };
        console.log(JSON.stringify(line));
        socket.end();
        resolve(sessions.length ? sessions[sessions.length - 1] : session);
      }, 200);
    });
    socket.on('session', (s) => sessions.push(s));
    socket.on('data', () => {});
    socket.on('error', (e) => {
      console.log(JSON.stringify({ conn: i, error: e.code || e.message }));
      reject(e);
    });
  });
}

(async () => {
  const session = await connect(0, undefined);
  for (let i = 1; i <= (config.reconnects || 3); i++) {
    await connect(i, session);
  }
})().catch(() => process.exit(1));
