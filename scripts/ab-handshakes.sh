#!/bin/bash
# A/B of two jtls builds under the same handshake load, interleaved round by round: for the cost
# ledger's "is any configuration slower than before" (docs/performance.md). Each build's bench
# server runs pinned to cpu0 without an AOT cache, load.js (16 clients) on cpu1.
#
#   CERTS_DIR=<make-certs.sh output> BENCH=<copy of ../shared/bench> \
#     scripts/ab-handshakes.sh OLD_ROOT NEW_ROOT [ROUNDS=4] [SECONDS=6]
# Each root needs jtls-bench/target-bench/jtls-bench.jar (mvn -pl jtls-bench -am package
# -DskipTests -Djtls.buildDir=target-bench). CONFIGS="full: resumed:--resume ..." picks rows.
# Prints per round: "config round N old US_PER_HS RATE ERRORS new US_PER_HS RATE ERRORS".
set -u
OLD=$1; NEW=$2; R=${3:-4}; D=${4:-6}
: "${CERTS_DIR:?set CERTS_DIR}"; BENCH=${BENCH:-/tmp/jb5}
. "$(dirname "$0")/env.sh" > /dev/null
start() {
  taskset -c 0 env CERTS_DIR="$CERTS_DIR" JTLS_AOT_CACHE=none JTLS_BENCH_JAR="$1/jtls-bench/target-bench/jtls-bench.jar" \
    "$(dirname "$0")/bench-server.sh" --port "$2" --host 127.0.0.1 --cert ec --mode echo --lifetime 900 > "/tmp/ab-handshakes-$2.log" 2>&1 &
}
start "$OLD" 9601; start "$NEW" 9602; sleep 6
PO=$(pgrep -f "jtls-bench.jar --port 9601"); PN=$(pgrep -f "jtls-bench.jar --port 9602")
trap 'kill $PO $PN 2> /dev/null' EXIT
run() { # port pid seconds load.js-args
  (cd "$BENCH" && CERTS_DIR="$CERTS_DIR" taskset -c 1 node load.js handshakes -c 16 -d "$3" $4 --port "$1" --pid "$2" 2> /dev/null | tail -1 |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const r=JSON.parse(s);console.log(r.server_us_per_hs+" "+r.rate+" "+r.errors)})')
}
for cfg in ${CONFIGS:-"full:" "resumed:--resume" "tls12:--max TLSv1.2" "ticket:--max TLSv1.2 --resume"}; do
  n=${cfg%%:*}; a=${cfg#*:}; a=${a//,/ }
  run 9601 "$PO" 8 "$a" > /dev/null; run 9602 "$PN" 8 "$a" > /dev/null # warm-up
  for i in $(seq 1 "$R"); do
    if (( i % 2 )); then o=$(run 9601 "$PO" "$D" "$a"); w=$(run 9602 "$PN" "$D" "$a")
    else w=$(run 9602 "$PN" "$D" "$a"); o=$(run 9601 "$PO" "$D" "$a"); fi
    echo "$n round $i old $o new $w"
  done
done
