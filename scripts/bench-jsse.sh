#!/usr/bin/env bash
# The JSSE mode of the bench: the same configs as scripts/bench.sh (TLS 1.3 EC full / resumed,
# TLS 1.2 ECDHE-ECDSA full / ticket, bulk both ways) served by one Netty server
# (scripts/bench-jsse-server.sh) on the JDK's provider (SunJSSE, the anchor: what a Java user
# gets) and on jtls's, side by side, loaded by the anchors' load.js (/work/shared/bench). Prints
# srv us/hs and srv us/MiB for both and the jtls/jdk ratios.
#
#   scripts/bench-jsse.sh                 # REPEATS=3 rounds (~8 min)
#   QUICK=1 scripts/bench-jsse.sh         # 1 round, short windows (~2 min)
#   CONFIGS="hs12" REPEATS=5 scripts/bench-jsse.sh
#
# Like run-anchors.sh: server on CPU $SERVER_CPU [0], load.js on CPU $CLIENT_CPU [1] (taskset);
# for each config both servers are started, then each round measures one after the other in
# alternating order (jdk jtls, jtls jdk, ...) so that drift of the shared machine hits both;
# before the rounds, one unrecorded run per server warms its JIT.
# Knobs: REPEATS [3], D [5] measured s, WARMUP [2] s per handshake run, C [16] connections,
# BULK_MIB [1024], CONFIGS ["hs13 hs12 bulk"], PROVIDERS ["jdk jtls"], BENCH_DIR (load.js,
# make-certs.sh) [/work/shared/bench], CERTS_DIR [/tmp/jtls-bench-jsse/certs], OUT folder
# [/tmp/jtls-bench-jsse/<timestamp>], SKIP_BUILD=1 (use the jar already built), JTLS_BUILD_DIR.
# Results: $OUT/results.jsonl (load.js's JSON lines plus "server" and "round"), server logs.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
. scripts/env.sh
export JTLS_BUILD_DIR=${JTLS_BUILD_DIR:-target}
BENCH_DIR=${BENCH_DIR:-$ROOT/../shared/bench}
[[ -f $BENCH_DIR/load.js ]] || BENCH_DIR=/work/shared/bench
[[ -f $BENCH_DIR/load.js ]] || { echo "bench-jsse: no load.js (set BENCH_DIR)" >&2; exit 1; }
if [[ ${QUICK:-0} == 1 ]]; then REPEATS=${REPEATS:-1}; D=${D:-2}; BULK_MIB=${BULK_MIB:-256}; fi
REPEATS=${REPEATS:-3}; D=${D:-5}; WARMUP=${WARMUP:-2}; C=${C:-16}; BULK_MIB=${BULK_MIB:-1024}
CONFIGS=${CONFIGS:-"hs13 hs12 bulk"}; PROVIDERS=${PROVIDERS:-"jdk jtls"}
SERVER_CPU=${SERVER_CPU:-0}; CLIENT_CPU=${CLIENT_CPU:-1}
read -r -a PROVS <<< "$PROVIDERS"
export CERTS_DIR=${CERTS_DIR:-/tmp/jtls-bench-jsse/certs}
OUT=${OUT:-/tmp/jtls-bench-jsse/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT" "$CERTS_DIR" || exit 1
RES=$OUT/results.jsonl; : > "$RES"

if [[ ${SKIP_BUILD:-0} != 1 ]]; then
  echo "bench-jsse: building jtls-bench/$JTLS_BUILD_DIR/jtls-bench.jar" >&2
  build_log=$(mvn -B -ntp -q -Djtls.buildDir="$JTLS_BUILD_DIR" -Dmaven.test.skip=true -pl jtls-bench -am package 2>&1) ||
    { echo "$build_log" >&2; exit 1; }
fi
bash "$BENCH_DIR/make-certs.sh" > "$OUT/make-certs.log" 2>&1 || { cat "$OUT/make-certs.log" >&2; exit 1; }

PIN_S=(); PIN_C=()
if command -v taskset >/dev/null && (( $(nproc) >= 2 )); then
  PIN_S=(taskset -c "$SERVER_CPU"); PIN_C=(taskset -c "$CLIENT_CPU")
fi
declare -A PID_OF=() PORT_OF=()
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
stop_all() { local p; for p in "${PID_OF[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; PID_OF=(); PORT_OF=(); }
trap stop_all EXIT
trap 'exit 130' INT TERM

start() { # provider, server-node.js options...
  local prov=$1 slog=$OUT/server-$1.log n0 pid port=; shift
  : >> "$slog"; n0=$(wc -l < "$slog")
  echo "# $(date +%H:%M:%S) --provider $prov $*" >> "$slog"
  "${PIN_S[@]}" "$ROOT/scripts/bench-jsse-server.sh" --provider "$prov" --port 0 --host 127.0.0.1 \
    --lifetime 900 "$@" < /dev/null >> "$slog" 2>&1 &
  pid=$!
  for _ in $(seq 300); do
    port=$(awk -v n0="$n0" 'NR > n0 && /^listening [0-9]+/ {print $2; exit}' "$slog")
    [[ -n $port ]] || ! kill -0 "$pid" 2>/dev/null && break
    sleep 0.1
  done
  [[ -n $port ]] || { log "$prov server did not start: $(tail -3 "$slog")"; kill "$pid" 2>/dev/null; return 1; }
  PID_OF[$prov]=$pid; PORT_OF[$prov]=$port
}
load() { # provider, round (-1: warm-up, not recorded), label, load.js args...
  local prov=$1 round=$2 label=$3 line; shift 3
  line=$("${PIN_C[@]}" node "$BENCH_DIR/load.js" "$@" --port "${PORT_OF[$prov]}" --pid "${PID_OF[$prov]}" \
    --label "$label" 2>>"$OUT/load.err" | tail -1)
  (( round >= 0 )) && [[ $line == \{* ]] && echo "{\"server\":\"$prov\",\"round\":$round,${line#\{}" >> "$RES"
}
measure() { # label, "server options", load.js args...
  local label=$1 sopts=$2 prov r order; shift 2
  log "$label"
  # shellcheck disable=SC2086
  for prov in "${PROVS[@]}"; do start "$prov" $sopts || return; done
  for prov in "${PROVS[@]}"; do load "$prov" -1 "$label" "$@"; done
  for ((r = 0; r < REPEATS; r++)); do
    order=("${PROVS[@]}"); (( r % 2 )) && order=($(printf '%s\n' "${PROVS[@]}" | tac))
    for prov in "${order[@]}"; do load "$prov" "$r" "$label" "$@"; done
  done
  stop_all
}

HS=(handshakes -c "$C" -d "$D" --warmup "$WARMUP")
T12S="--cert ec --max TLSv1.2 --ciphers ECDHE-ECDSA-AES128-GCM-SHA256"
T12C=(--min TLSv1.2 --max TLSv1.2 --ciphers ECDHE-ECDSA-AES128-GCM-SHA256)
log "results in $OUT; providers: ${PROVS[*]}; repeats=$REPEATS D=${D}s C=$C; load $(cut -d' ' -f1-3 /proc/loadavg)"
for cfg in $CONFIGS; do
  case $cfg in
    hs13) measure "TLS1.3 EC full" "--cert ec" "${HS[@]}"
          measure "TLS1.3 EC resumed" "--cert ec" "${HS[@]}" --resume ;;
    hs12) measure "TLS1.2 ECDHE-ECDSA full" "$T12S" "${HS[@]}" "${T12C[@]}"
          measure "TLS1.2 EC resumed (ticket)" "$T12S" "${HS[@]}" "${T12C[@]}" --resume ;;
    bulk) measure "bulk s->c TLS1.3 AES128GCM" "--cert ec --mode source --bytes $((BULK_MIB * 1048576))" \
            bulk --dir source --ciphers TLS_AES_128_GCM_SHA256
          measure "bulk c->s TLS1.3 AES128GCM" "--cert ec --mode sink" \
            bulk --dir sink --mib "$BULK_MIB" --ciphers TLS_AES_128_GCM_SHA256 ;;
    *) echo "bench-jsse: unknown config $cfg (hs13 hs12 bulk)" >&2; exit 2 ;;
  esac
done
node "$ROOT/scripts/bench-jsse-report.js" "$RES" | tee "$OUT/table.txt"
echo "bench-jsse: results in $OUT (table again: node scripts/bench-jsse-report.js $RES)"
