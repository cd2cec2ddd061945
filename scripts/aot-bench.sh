#!/usr/bin/env bash
# Warm-up with JDK 25's AOT cache (JEP 483/514) for the bench server: time from the JVM's
# launch to the first completed handshake, and the handshake rate over the first seconds,
# cold and with a cache recorded by a training run.
#
#   CERTS_DIR=<make-certs.sh output> scripts/aot-bench.sh [ROUNDS]
# Environment: AOT_CACHE  where the cache goes [/tmp/jtls-bench/jtls-bench.aot]
#              TRAIN_S    seconds of handshake load in the training run [8]
#              FIRST_S    seconds of load measured after the first handshake [3]
# Using it: JTLS_BENCH_JVM_OPTS="-XX:AOTCache=$AOT_CACHE" scripts/bench-server.sh ...
# (the cache is valid for the same JDK, jar and JVM flags; the JVM ignores a stale one).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH=${BENCH_DIR:-/work/shared/bench}
CERTS_DIR=${CERTS_DIR:?set CERTS_DIR (make-certs.sh output)}
export CERTS_DIR
ROUNDS=${1:-3}
AOT_CACHE=${AOT_CACHE:-/tmp/jtls-bench/jtls-bench.aot}
mkdir -p "$(dirname "$AOT_CACHE")"
PORT=9731
server() { # extra JVM opts; prints the pid
  JTLS_BENCH_JVM_OPTS="$1" taskset -c 0 "$ROOT/scripts/bench-server.sh" --port $PORT --host 127.0.0.1 \
    --lifetime "${2:-60}" --cert ec --tickets on --idcache off --mode echo > /tmp/aot-server.log 2>&1 &
  echo $!
}
# The server is not this shell's child (started inside $(...)): wait by polling; the AOT
# cache is written while the JVM exits.
stop() { kill -TERM "$1" 2>/dev/null || true; while kill -0 "$1" 2>/dev/null; do sleep 0.2; done; }
# Node: connect until a handshake succeeds; print ms since $1 (epoch ms at the JVM's launch).
first_handshake() {
  node -e '
    const tls = require("tls"), fs = require("fs");
    const t0 = Number(process.argv[1]);
    const ca = fs.readFileSync(process.env.CERTS_DIR + "/ca.crt");
    (function attempt() {
      const s = tls.connect({ host: "127.0.0.1", port: Number(process.argv[2]), servername: "localhost", ca }, () => {
        console.log(Date.now() - t0); s.destroy();
      });
      s.on("error", () => setTimeout(attempt, 2));
    })();' "$1" "$PORT"
}

echo "training run: $AOT_CACHE" >&2
rm -f "$AOT_CACHE"
pid=$(server "-XX:AOTCacheOutput=$AOT_CACHE" 120)
for _ in $(seq 1 120); do grep -q listening /tmp/aot-server.log && break; sleep 0.5; done
taskset -c 1 node "$BENCH/load.js" handshakes --port $PORT -c 16 -d "${TRAIN_S:-8}" --warmup 0 > /dev/null 2>&1
taskset -c 1 node "$BENCH/load.js" handshakes --port $PORT -c 16 -d 2 --warmup 0 --resume > /dev/null 2>&1
taskset -c 1 node "$BENCH/load.js" handshakes --port $PORT -c 16 -d 2 --warmup 0 --max TLSv1.2 > /dev/null 2>&1
stop "$pid"
ls -la "$AOT_CACHE" >&2 || { echo "aot-bench: no cache written" >&2; exit 1; }

# CPU time as well as wall time: on a shared machine the wall time moves with the load.
cpu_ms() { awk -v t="$(getconf CLK_TCK)" '{sub(/.*\) /, ""); split($0, f, " "); print int((f[12] + f[13]) * 1000 / t)}' "/proc/$1/stat"; }
printf '%-6s %-6s %24s %26s %20s\n' round cache "first handshake (ms)" "server CPU until then (ms)" "hs/s in next ${FIRST_S:-3}s"
for r in $(seq 1 "$ROUNDS"); do
  for mode in cold aot; do
    opts=""; [[ $mode == aot ]] && opts="-XX:AOTCache=$AOT_CACHE"
    t0=$(date +%s%3N)
    pid=$(server "$opts" 60)
    ms=$(first_handshake "$t0")
    cpu=$(cpu_ms "$pid")
    rate=$(taskset -c 1 node "$BENCH/load.js" handshakes --port $PORT --pid "$pid" -c 16 -d "${FIRST_S:-3}" --warmup 0 2>/dev/null |
      tail -n 1 | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(Math.round(JSON.parse(s).rate)))')
    stop "$pid"
    printf '%-6s %-6s %24s %26s %20s\n' "$r" "$mode" "$ms" "$cpu" "$rate"
  done
done
