#!/usr/bin/env bash
# Records the JDK 25 AOT cache of the bench server (JEP 483/514/515: classes loaded and linked,
# and the method profiles of a training run), which scripts/bench-server.sh then starts with:
# a fresh bench server compiles its hot paths from the first connections instead of after seconds
# of interpreting and profiling them (the harness starts a fresh server for every config).
#
#   CERTS_DIR=<make-certs.sh output> scripts/aot-train.sh [CACHE]
#
# CACHE defaults to jtls-bench/$JTLS_BUILD_DIR/jtls-bench.aot, beside the jar (bench-server.sh's
# default). The training run is io.jtls.bench.TrainingServer (every bench mode in one JVM) under
# the same JVM flags as the bench server, driven by the harness's own load.js: full and resumed
# handshakes (TLS 1.3 and 1.2, EC and RSA), bulk both ways, idle connections (~40 s). A cache is
# only valid for the same JDK, jar and flags: bench-server.sh ignores one older than the jar.
# Environment: BENCH_DIR (the harness, for load.js), JTLS_BUILD_DIR [target].
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH=${BENCH_DIR:-$ROOT/../shared/bench}
[[ -f $BENCH/load.js ]] || BENCH=/work/shared/bench
CERTS_DIR=${CERTS_DIR:?set CERTS_DIR (make-certs.sh output)}
export CERTS_DIR
CACHE=${1:-$ROOT/jtls-bench/${JTLS_BUILD_DIR:-target}/jtls-bench.aot}
log=$(mktemp /tmp/jtls-aot-train.XXXXXX)
rm -f "$CACHE"
# JTLS_AOT_CACHE=none: the training run itself must not start from an old cache.
JTLS_AOT_CACHE=none JTLS_BENCH_MAIN=io.jtls.bench.TrainingServer \
  JTLS_BENCH_JVM_OPTS="-XX:AOTCacheOutput=$CACHE ${JTLS_BENCH_JVM_OPTS:-}" \
  taskset -c 0 "$ROOT/scripts/bench-server.sh" --port 0 --host 127.0.0.1 --lifetime 300 --min TLSv1.2 --max TLSv1.3 \
  --tickets on --idcache off --bytes 1073741824 --chunk 65536 > "$log" 2>&1 &
pid=$!
for _ in $(seq 1 120); do grep -q '^listening' "$log" && break; sleep 0.25; done
read -r _ echo_ec echo_rsa source sink < <(grep '^listening' "$log") || { cat "$log" >&2; exit 1; }
load() { taskset -c 1 node "$BENCH/load.js" "$@" > /dev/null 2>> "$log"; }
T12=(--min TLSv1.2 --max TLSv1.2)
load handshakes --port "$echo_ec" -c 16 -d 8 --warmup 0
load handshakes --port "$echo_ec" -c 16 -d 4 --warmup 0 --resume
load handshakes --port "$echo_ec" -c 16 -d 4 --warmup 0 "${T12[@]}" --ciphers ECDHE-ECDSA-AES128-GCM-SHA256
load handshakes --port "$echo_ec" -c 16 -d 4 --warmup 0 "${T12[@]}" --ciphers ECDHE-ECDSA-AES128-GCM-SHA256 --resume
load handshakes --port "$echo_ec" -c 1 -d 2 --warmup 0
load handshakes --port "$echo_rsa" -c 16 -d 3 --warmup 0
load handshakes --port "$echo_rsa" -c 16 -d 2 --warmup 0 "${T12[@]}" --ciphers ECDHE-RSA-AES128-GCM-SHA256
for _ in 1 2; do
  load bulk --port "$source" --dir source --ciphers TLS_AES_128_GCM_SHA256
  load bulk --port "$sink" --dir sink --mib 1024 --ciphers TLS_AES_128_GCM_SHA256
done
load idle --port "$echo_ec" -k 500 --hold 1
kill -TERM "$pid"
wait "$pid" || true
if [[ ! -s $CACHE ]]; then
  echo "aot-train: no cache written; the training run's output:" >&2
  cat "$log" >&2
  exit 1
fi
grep -h 'AOTCache creation' "$log" >&2 || true
rm -f "$log"
echo "aot-train: $CACHE ($(du -h "$CACHE" | cut -f1))"
