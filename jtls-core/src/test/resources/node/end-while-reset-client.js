// Node's side of CloseAfterPeerLeftTest: `count` times, connect, write at 'secureConnect' and end() 2 ms later
// while the server goes away, and record the events the client sees. Prints one line per
// sequence seen: "sequence <count> <events>", e.g. "sequence 100 secureConnect,end,close(false)".
'use strict';
const tls = require('node:tls');
const config = JSON.parse(process.argv[2]);
const sequences = {};

function once(i) {
  if (i === config.count) {
    for (const [key, count] of Object.entries(sequences)) console.log(`sequence ${count} ${key}`);
    return;
  }
  const events = [];
  const socket = tls.connect({ host: '127.0.0.1', port: config.port, ca: config.ca, servername: 'localhost' }, () => {
    events.push('secureConnect');
    socket.write('x');
    setTimeout(() => socket.end(), 2);
  });
  socket.on('data', () => {});
  socket.on('end', () => events.push('end'));
  socket.on('error', (e) => events.push('error ' + e.code));
  socket.on('close', (hadError) => {
    events.push('close(' + hadError + ')');
    const key = events.join(',');
    sequences[key] = (sequences[key] || 0) + 1;
    once(i + 1);
  });
}
once(0);
