#!/usr/bin/env bash
# Counts for the cost ledger (docs/performance.md), per handshake config, for the jtls bench
# server and, with LEDGER_NGINX=1, for nginx under the same load: syscalls per connection of
# the serving thread(s) (strace -c attached after a warm-up), and for jtls the FFM downcalls
# and upcalls per connection (-Djtls.countNativeCalls=true; printed by the server at exit).
# Counts, not times: they do not depend on the machine's load (strace slows the server, the
# per-connection counts stay the same).
#
#   CERTS_DIR=<make-certs.sh output> scripts/perf-ledger.sh [OUT_DIR]
# Environment: LEDGER_CONFIGS   "full resumed tls12 tls12ticket bulk" (default all)
#              LEDGER_NGINX=1   also nginx (needs nginx + libnginx-mod-stream)
#              LEDGER_D         seconds of traced load per config [4]
#              JTLS_BENCH_JVM_OPTS  extra server flags (passed on)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH=${BENCH_DIR:-/work/shared/bench}
CERTS_DIR=${CERTS_DIR:?set CERTS_DIR (make-certs.sh output)}
export CERTS_DIR
OUT=${1:-$(mktemp -d /tmp/jtls-ledger.XXXXXX)}
mkdir -p "$OUT"
D=${LEDGER_D:-4}
CONFIGS=${LEDGER_CONFIGS:-full resumed tls12 tls12ticket bulk}
args_of() {
  case $1 in
    full) echo "" ;; resumed) echo "--resume" ;; tls12) echo "--max TLSv1.2" ;;
    tls12ticket) echo "--max TLSv1.2 --resume" ;;
  esac
}
# load PORT PID CONFIG WARMUP DURATION: prints the load.js JSON line
load() {
  if [[ $3 == bulk ]]; then
    taskset -c 1 node "$BENCH/load.js" bulk --dir source --port "$1" --pid "$2" --mib "${LEDGER_MIB:-256}" 2>/dev/null | tail -n 1
  else
    # shellcheck disable=SC2046
    taskset -c 1 node "$BENCH/load.js" handshakes --port "$1" --pid "$2" -c 16 -d "$5" --warmup "$4" $(args_of "$3") 2>/dev/null | tail -n 1
  fi
}
wait_listening() { for _ in $(seq 1 60); do grep -q listening "$1" && return 0; sleep 0.5; done; return 1; }

for cfg in $CONFIGS; do
  mode=echo; extra=""
  [[ $cfg == bulk ]] && { mode=source; extra="--bytes 268435456 --chunk 65536"; }
  # ---- jtls
  log=$OUT/jtls-$cfg.log
  # shellcheck disable=SC2086
  JTLS_BENCH_JVM_OPTS="-Djtls.countNativeCalls=true ${JTLS_BENCH_JVM_OPTS:-}" taskset -c 0 "$ROOT/scripts/bench-server.sh" \
    --port 9712 --host 127.0.0.1 --lifetime 300 --cert ec --min TLSv1.2 --max TLSv1.3 --tickets on --idcache off \
    --mode $mode --chunk 65536 $extra > "$log" 2>&1 &
  pid=$!
  wait_listening "$log"
  [[ $cfg == bulk ]] || load 9712 "$pid" "$cfg" 1 3 > /dev/null # warm-up (JIT)
  tids=$(for t in /proc/$pid/task/*; do grep -qE '^(bench-loop|jtls)' "$t/comm" && basename "$t"; done | sed 's/^/-p /' | tr '\n' ' ')
  # shellcheck disable=SC2086
  strace -c -f $tids -o "$OUT/jtls-$cfg.strace" & st=$!
  sleep 0.5
  load 9712 "$pid" "$cfg" 0 "$D" > "$OUT/jtls-$cfg.json"
  kill -INT $st; wait $st 2>/dev/null || true
  kill "$pid"; wait "$pid" 2>/dev/null || true
  # ---- nginx
  if [[ ${LEDGER_NGINX:-0} == 1 && $cfg != bulk ]]; then
    W=$(mktemp -d)
    sed "s|@CERTS@|$CERTS_DIR|g; s|@W@|$W|g; s|9700|9713|" "$BENCH/nginx/nginx.conf.in" > "$W/nginx.conf"
    taskset -c 0 nginx -c "$W/nginx.conf" & ngx=$!
    sleep 1
    load 9713 "$ngx" "$cfg" 1 2 > /dev/null
    strace -c -f -p "$ngx" -o "$OUT/nginx-$cfg.strace" & st=$!
    sleep 0.5
    load 9713 "$ngx" "$cfg" 0 "$D" > "$OUT/nginx-$cfg.json"
    kill -INT $st; wait $st 2>/dev/null || true
    kill $ngx; wait $ngx 2>/dev/null || true
    rm -rf "$W"
  fi
done
# A summary: syscalls per connection or per MiB
for f in "$OUT"/*.strace; do
  name=$(basename "$f" .strace)
  # Handshakes: per connection closed while traced (load.js counts only its window); bulk: per MiB.
  if [[ $name == *bulk ]]; then
    n=$(node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));console.log(r.bytes/1048576)' "$OUT/$name.json")
  else
    n=$(awk '$NF=="close" {print $4}' "$f"); n=${n:-1}
  fi
  echo "== $name ($n connections or MiB): syscalls per unit"
  awk -v n="$n" '$1 ~ /^[0-9.]+$/ && NF>=5 {c=$4; name=$NF; if (name!="total") printf "  %8.2f %s\n", c/n, name} $NF=="total" {printf "  %8.2f total\n", $4/n}' "$f" | sort -rn
  grep -E -A200 '^loop threads' "$OUT/$name.log" 2>/dev/null | head -n 12 || true
done | tee "$OUT/summary.txt"
echo "ledger: $OUT"
