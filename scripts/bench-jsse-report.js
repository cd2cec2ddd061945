#!/usr/bin/env node
// The table of scripts/bench-jsse.sh: for every config, the median [min-max] over the rounds of
// the server's CPU per handshake (srv us/hs) or per MiB moved (srv us/MiB) and the client-side
// rate (hs/s, MiB/s), per provider, then jtls/jdk: the ratio of the medians and the median of the
// per-round ratios (each pair ran back to back). Below 1 in srv us means jtls spends less CPU.
//   node scripts/bench-jsse-report.js /tmp/jtls-bench-jsse/<ts>/results.jsonl
'use strict';
const fs = require('fs');
const file = process.argv[2];
if (!file) { console.error('usage: bench-jsse-report.js results.jsonl'); process.exit(2); }
const rows = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => {
  try { return JSON.parse(l); } catch { return null; }
}).filter(Boolean);
for (const r of rows) {
  // As the anchors' report.js: server CPU seconds over the MiB moved.
  if (r.mode === 'bulk' && r.server_cores > 0 && r.secs > 0 && r.bytes > 0) {
    r.srv = (r.server_cores * r.secs * 1e6) / (r.bytes / 1048576);
  } else if (r.mode === 'handshakes') {
    r.srv = r.server_us_per_hs;
  }
  r.speed = r.mode === 'bulk' ? r.mibps : r.rate;
}
const median = (v) => {
  const s = v.filter((x) => typeof x === 'number' && isFinite(x)).sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : null;
};
const fmt = (x) => (x == null ? '-' : x >= 100 ? String(Math.round(x)) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const cell = (v) => {
  const s = v.filter((x) => typeof x === 'number' && isFinite(x));
  return s.length ? `${fmt(median(s))} [${fmt(Math.min(...s))}-${fmt(Math.max(...s))}]` : '-';
};
const labels = [...new Set(rows.map((r) => r.label))];
const out = [['config', 'unit', 'jdk srv', 'jtls srv', 'jtls/jdk srv', 'per pair', 'jdk rate', 'jtls rate', 'errors']];
for (const label of labels) {
  const of = (s) => rows.filter((r) => r.label === label && r.server === s);
  const jdk = of('jdk'); const jtls = of('jtls');
  const bulk = (jdk[0] || jtls[0]).mode === 'bulk';
  const mj = median(jdk.map((r) => r.srv)); const mt = median(jtls.map((r) => r.srv));
  const pairs = jdk.map((a) => {
    const b = jtls.find((r) => r.round === a.round);
    return b && a.srv > 0 && b.srv > 0 ? b.srv / a.srv : null;
  });
  const errors = [...jdk, ...jtls].reduce((n, r) => n + (r.errors || 0) + (r.error ? 1 : 0) + (r.timeout ? 1 : 0), 0);
  out.push([label, bulk ? 'us/MiB, MiB/s' : 'us/hs, hs/s', cell(jdk.map((r) => r.srv)), cell(jtls.map((r) => r.srv)),
    mj && mt ? (mt / mj).toFixed(2) : '-', median(pairs) == null ? '-' : median(pairs).toFixed(2),
    cell(jdk.map((r) => r.speed)), cell(jtls.map((r) => r.speed)), String(errors)]);
}
const w = out[0].map((_, i) => Math.max(...out.map((r) => r[i].length)));
for (const r of out) console.log(r.map((c, i) => c.padEnd(w[i])).join('  ').trimEnd());
