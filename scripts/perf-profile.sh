#!/usr/bin/env bash
# A CPU profile of the jtls bench server under the shared bench's load, with native and JIT
# frames (perf, cpu-clock; -XX:+DumpPerfMapAtExit names the JIT code), for the cost ledger
# (docs/performance.md). Warms up first, then records the measured window only.
#
#   CERTS_DIR=<certs> scripts/perf-profile.sh NAME [load.js args]      # handshakes, e.g. --resume
#   MODE=source SRVARGS="--bytes 1073741824" LOADMODE=bulk WARM="--dir source --mib 256" \
#     MEAS="--dir source --mib 768" scripts/perf-profile.sh bulk-src
# Then:  perf report -i /tmp/jtls-perf/NAME.data --no-children --sort comm,dso --stdio -g none
#        perf report -i /tmp/jtls-perf/NAME.data --no-children --comm bench-loop-0 --sort dso,sym --stdio -g none
# Environment: WARM / MEAS  load.js arguments of the warm-up and measured runs
#              [-c 16 -d 12 --warmup 1] / [-c 16 -d 8 --warmup 0]; OUT_DIR [/tmp/jtls-perf]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH=${BENCH_DIR:-/work/shared/bench}
name=$1; shift
OUT=${OUT_DIR:-/tmp/jtls-perf}
mkdir -p "$OUT"
: "${CERTS_DIR:?set CERTS_DIR}"; export CERTS_DIR
JTLS_BENCH_JVM_OPTS="-XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit -XX:+PreserveFramePointer ${JTLS_BENCH_JVM_OPTS:-}" \
  taskset -c 0 "$ROOT/scripts/bench-server.sh" --port 9722 --host 127.0.0.1 --lifetime 600 --cert ec --min TLSv1.2 \
  --max TLSv1.3 --tickets on --idcache off --mode "${MODE:-echo}" --chunk 65536 ${SRVARGS:-} > "$OUT/$name.log" 2>&1 &
pid=$!
for _ in $(seq 1 60); do grep -q listening "$OUT/$name.log" && break; sleep 0.5; done
# shellcheck disable=SC2086
taskset -c 1 node "$BENCH/load.js" "${LOADMODE:-handshakes}" --port 9722 --pid $pid ${WARM:--c 16 -d 12 --warmup 1} "$@" > /dev/null 2>&1
perf record -e cpu-clock -F 2000 -g -p $pid -o "$OUT/$name.data" 2> /dev/null & pr=$!
# shellcheck disable=SC2086
taskset -c 1 node "$BENCH/load.js" "${LOADMODE:-handshakes}" --port 9722 --pid $pid ${MEAS:--c 16 -d 8 --warmup 0} "$@" 2> /dev/null |
  tail -n 1 > "$OUT/$name.json"
kill -INT $pr; wait $pr 2>/dev/null || true
kill $pid; wait $pid 2>/dev/null || true
cat "$OUT/$name.json"
echo "profile: $OUT/$name.data"
