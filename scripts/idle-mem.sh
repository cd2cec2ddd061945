#!/usr/bin/env bash
# Memory per idle connection of the jtls bench server, split into what the RSS figure of
# `load.js idle` mixes together: the Java heap (class histogram, live objects only) and native
# malloc in use (glibc's malloc_info through `jcmd System.native_heap_info`), both as the
# difference between "K connections held" and "all closed again", divided by K.
#
#   CERTS_DIR=/path/to/bench/certs scripts/idle-mem.sh [PORT] [K] [WARM]
#
# Environment: BENCH_DIR  the bench harness with load.js [/work/shared/bench]
#              JTLS_BENCH_JVM_OPTS  extra server flags (see bench-server.sh)
#              PRETOUCH=1 adds -XX:+AlwaysPreTouch: the heap's pages are resident before the
#                first connection, so the RSS figure no longer counts eden pages that the
#                handshakes' garbage touches for the first time (up to -Xmn per server, a fixed
#                cost, not a per-connection one). Default 1.
# Counts, not times: the figures do not depend on the machine's load (RSS moves with JIT and
# GC timing by a few KiB per connection between runs; heap and malloc in use much less).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PORT=${1:-9443}; K=${2:-3000}; WARM=${3:-1000}
BENCH_DIR=${BENCH_DIR:-/work/shared/bench}
: "${CERTS_DIR:?set CERTS_DIR to the bench certificates}"
. "$ROOT/scripts/env.sh" >/dev/null
[[ ${PRETOUCH:-1} == 1 ]] && export JTLS_BENCH_JVM_OPTS="-XX:+AlwaysPreTouch ${JTLS_BENCH_JVM_OPTS:-}"
OUT=$(mktemp -d)
taskset -c 0 env CERTS_DIR="$CERTS_DIR" "$ROOT/scripts/bench-server.sh" --port "$PORT" --host 127.0.0.1 \
  --cert ec --mode echo > "$OUT/server.log" 2>&1 &
SERVER=$! # bench-server.sh execs the JVM: this is the server's PID
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q . "$OUT/server.log" 2>/dev/null && break; sleep 0.1; done
sleep 2
ulimit -n $((K + 1000))
(cd "$BENCH_DIR" && CERTS_DIR="$CERTS_DIR" taskset -c 1 node load.js idle --port "$PORT" --pid "$SERVER" \
  -k "$K" --hold 3 --warm-conns "$WARM" 2> "$OUT/load.err" | tail -1 > "$OUT/load.json") &
LOAD=$!
until grep -q holding "$OUT/load.err" 2>/dev/null; do
  kill -0 $LOAD 2>/dev/null || { cat "$OUT/load.err" >&2; exit 1; }
  sleep 0.2
done
jcmd "$SERVER" System.native_heap_info > "$OUT/malloc-held.xml"
jcmd "$SERVER" GC.class_histogram > "$OUT/histo-held.txt"
wait $LOAD
jcmd "$SERVER" System.native_heap_info > "$OUT/malloc-closed.xml"
jcmd "$SERVER" GC.class_histogram > "$OUT/histo-closed.txt"
python3 - "$OUT" "$K" <<'PY'
import json, re, sys
out, k = sys.argv[1], int(sys.argv[2])
def in_use(f):  # glibc malloc_info: the last block is the total over arenas
    t = open(f).read()
    current = [int(x) for x in re.findall(r'<system type="current" size="(\d+)"/>', t)][-1]
    free = re.findall(r'<total type="(?:fast|rest)" count="\d+" size="(\d+)"/>', t)[-2:]
    return current - sum(map(int, free))
def histogram(f):
    d = {}
    for line in open(f):
        m = re.match(r'\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)', line)
        if m: d[m.group(3)] = (int(m.group(1)), int(m.group(2)))
    return d
load = json.load(open(out + '/load.json'))
held, closed = histogram(out + '/histo-held.txt'), histogram(out + '/histo-closed.txt')
rows = sorted(((c, n - closed.get(c, (0, 0))[0], b - closed.get(c, (0, 0))[1]) for c, (n, b) in held.items()),
              key=lambda r: -r[2])
print(f"held {load['held']}  RSS KiB/conn {load['server_kib_per_conn']}  "
      f"malloc B/conn {(in_use(out + '/malloc-held.xml') - in_use(out + '/malloc-closed.xml')) / k:.0f}  "
      f"heap B/conn {sum(r[2] for r in rows) / k:.0f}")
for c, n, b in rows[:25]:
    if b >= 8 * k: print(f"  {c:<60} {n / k:5.2f}/conn {b / k:6.0f} B/conn")
PY
