#!/usr/bin/env bash
# Every figure issue 12's two tables ask for, in one sitting on a quiet machine, one after the
# other (~30 min): scripts/bench.sh (handshakes, bulk and idle beside Node), nginx/run.sh
# (handshakes beside nginx and Node), floor.sh (OpenSSL alone), scripts/bulk-compare.sh (the bulk
# rows beside their socket floor, with 'data' and with borrowed reads), and AES-GCM's own speed.
# Each step's output goes to OUT/<step>.txt; the end prints where.
#
#   scripts/issue12-tables.sh [OUT]          # OUT defaults to /tmp/jtls-issue12-<time>
# Environment: JTLS_BUILD_DIR [target-bench], BENCH_DIR [/work/shared/bench], STEPS
#              ["bench nginx floor bulk speed"], plus the knobs of the scripts it runs.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH_DIR=${BENCH_DIR:-$ROOT/../shared/bench}
[[ -x $BENCH_DIR/run-anchors.sh ]] || BENCH_DIR=/work/shared/bench
OUT=${1:-/tmp/jtls-issue12-$(date +%Y%m%d-%H%M)}
mkdir -p "$OUT"
export JTLS_BUILD_DIR=${JTLS_BUILD_DIR:-target-bench}
export BENCH_WORKDIR=${BENCH_WORKDIR:-$OUT/work}
export CERTS_DIR=${CERTS_DIR:-$BENCH_WORKDIR/certs}
mkdir -p "$BENCH_WORKDIR"
"$BENCH_DIR/make-certs.sh" > /dev/null

step() { # step NAME COMMAND...: runs it, its output in OUT/NAME.txt and on the terminal
  local name=$1
  shift
  echo "== $name ($(date +%H:%M:%S)): $*"
  "$@" 2>&1 | tee "$OUT/$name.txt"
}

for s in ${STEPS:-bench nginx floor bulk speed}; do
  case $s in
    bench) step bench env REPEATS="${REPEATS:-3}" WARMUP="${WARMUP:-4}" SECTIONS="hs bulk idle" "$ROOT/scripts/bench.sh" ;;
    nginx) step nginx env JTLS_SERVER_CMD="$ROOT/scripts/bench-server.sh" "$BENCH_DIR/nginx/run.sh" 3 ;;
    floor) step floor "$BENCH_DIR/floor.sh" ;;
    bulk)
      step bulk-data "$ROOT/scripts/bulk-compare.sh"
      step bulk-raw env READ=raw DIRS=sink SERVERS="node jtls floor-ra" "$ROOT/scripts/bulk-compare.sh" ;;
    speed)
      for c in aes-128-gcm aes-256-gcm; do
        for d in "" -decrypt; do
          step "speed-$c${d}" taskset -c 0 openssl speed -evp "$c" $d -bytes 16384 -seconds 3
        done
      done ;;
    *) echo "issue12-tables: unknown step $s" >&2; exit 1 ;;
  esac
done
echo "issue12-tables: outputs in $OUT"
