#!/usr/bin/env bash
# Warm-up with JDK 25's AOT cache (JEP 483/514/515) for the bench server: time from the JVM's
# launch to the first completed handshake, then the server CPU per handshake and the rate over
# the first FIRST_S seconds of load (about the first 10,000 handshakes), cold and with a cache
# recorded by scripts/aot-train.sh.
#
#   CERTS_DIR=<make-certs.sh output> scripts/aot-bench.sh [ROUNDS]
# Environment: AOT_CACHE  where the cache goes [/tmp/jtls-bench/jtls-bench.aot]
#              FIRST_S    seconds of load measured after the first handshake [4]; 12 covers
#                         about the first 10,000 handshakes here
#              SKIP_TRAIN=1  use the cache already at AOT_CACHE
# Using it: JTLS_AOT_CACHE=$AOT_CACHE scripts/bench-server.sh ... (bench-server.sh's default
# cache is the one beside the jar; the cache is valid for the same JDK, jar and JVM flags).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH=${BENCH_DIR:-/work/shared/bench}
CERTS_DIR=${CERTS_DIR:?set CERTS_DIR (make-certs.sh output)}
export CERTS_DIR
ROUNDS=${1:-3}
AOT_CACHE=${AOT_CACHE:-/tmp/jtls-bench/jtls-bench.aot}
mkdir -p "$(dirname "$AOT_CACHE")"
PORT=9731
server() { # cache (none: cold); prints the pid
  JTLS_AOT_CACHE="$1" taskset -c 0 "$ROOT/scripts/bench-server.sh" --port $PORT --host 127.0.0.1 \
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

# SKIP_TRAIN=1: use the cache already at AOT_CACHE.
[[ ${SKIP_TRAIN:-0} == 1 && -s $AOT_CACHE ]] || "$ROOT/scripts/aot-train.sh" "$AOT_CACHE" >&2

# CPU time as well as wall time: on a shared machine the wall time moves with the load.
cpu_ms() { awk -v t="$(getconf CLK_TCK)" '{sub(/.*\) /, ""); split($0, f, " "); print int((f[12] + f[13]) * 1000 / t)}' "/proc/$1/stat"; }
printf '%-6s %-6s %22s %28s %14s %16s\n' round cache "first handshake (ms)" "server CPU until then (ms)" "next ${FIRST_S:-4}s: hs" "srv us/hs, hs/s"
for r in $(seq 1 "$ROUNDS"); do
  for mode in cold aot; do
    opts=none; [[ $mode == aot ]] && opts=$AOT_CACHE
    t0=$(date +%s%3N)
    pid=$(server "$opts" 60)
    ms=$(first_handshake "$t0")
    cpu=$(cpu_ms "$pid")
    read -r count us rate < <(taskset -c 1 node "$BENCH/load.js" handshakes --port $PORT --pid "$pid" -c 16 -d "${FIRST_S:-4}" --warmup 0 2>/dev/null |
      tail -n 1 | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const r=JSON.parse(s);console.log(r.count, r.server_us_per_hs, Math.round(r.rate))})')
    stop "$pid"
    printf '%-6s %-6s %22s %28s %14s %16s\n' "$r" "$mode" "$ms" "$cpu" "$count" "$us, $rate"
  done
done
