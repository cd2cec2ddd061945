// A Node server for jtls's resumption tests: echoes; with "cache": true it keeps sessions in
// a Map behind 'newSession'/'resumeSession' (Node's documented example). Prints
// {"port": N} once listening and {"event": "resumeSession"|"newSession"} as they happen; exits
// when its stdin closes.
// Usage: node resumption-server.js '{"key": "/path/key.pem", "cert": "/path/cert.pem",
//   "maxVersion": "TLSv1.3", "noTicket": false, "cache": false}'
'use strict';
const tls = require('tls');
const fs = require('fs');
const { SSL_OP_NO_TICKET } = require('crypto').constants;

const config = JSON.parse(process.argv[2]);
const server = tls.createServer({
  key: fs.readFileSync(config.key),
  cert: fs.readFileSync(config.cert),
  maxVersion: config.maxVersion || 'TLSv1.3',
  secureOptions: config.noTicket ? SSL_OP_NO_TICKET : 0,
}, (socket) => socket.pipe(socket));

if (config.cache) {
  const store = new Map();
  server.on('newSession', (id, data, cb) => {
    console.log(JSON.stringify({ event: 'newSession' }));
    store.set(id.toString('hex'), data);
    cb();
  });
  server.on('resumeSession', (id, cb) => {
    console.log(JSON.stringify({ event: 'resumeSession', found: store.has(id.toString('hex')) }));
    cb(null, store.get(id.toString('hex')) || null);
  });
}

server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
