// Node's side of OnReadNodeParityTest: tls.connect with `onread` (one reused buffer of
// `bufferSize` bytes), answering false to the `stopAt`-th callback. Prints one JSON event per
// line: {"event":"stopped",total,calls} when it stops, {"event":"resuming",total,calls} when the
// test writes "resume" to stdin (then it resumes), and at the end
// {"event":"end",total,calls,maxChunk,dataEvents,sha256} and {"event":"close",hadError}.
'use strict';
const tls = require('node:tls');
const crypto = require('node:crypto');
const readline = require('node:readline');
const config = JSON.parse(process.argv[2]);
const out = (event) => console.log(JSON.stringify(event));

const hash = crypto.createHash('sha256');
let total = 0;
let calls = 0;
let maxChunk = 0;
let dataEvents = 0;
const socket = tls.connect({
  host: '127.0.0.1', port: config.port, ca: config.ca, servername: 'localhost',
  onread: {
    buffer: Buffer.alloc(config.bufferSize),
    callback(nread, buf) {
      total += nread;
      calls++;
      maxChunk = Math.max(maxChunk, nread);
      hash.update(buf.subarray(0, nread));
      if (calls === config.stopAt) {
        out({ event: 'stopped', total, calls });
        return false;
      }
      return true;
    },
  },
});
socket.on('data', () => dataEvents++);
socket.on('end', () => out({ event: 'end', total, calls, maxChunk, dataEvents, sha256: hash.digest('hex') }));
socket.on('error', (e) => out({ event: 'error', code: e.code }));
socket.on('close', (hadError) => {
  out({ event: 'close', hadError });
  process.exit(0);
});
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === 'resume') {
    out({ event: 'resuming', total, calls, isPaused: socket.isPaused() });
    socket.resume();
  }
});
