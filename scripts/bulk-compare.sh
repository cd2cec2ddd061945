#!/usr/bin/env bash
# Bulk rows of issue 12 beside their floor, in one run: the Node server, the jtls bench server
# and scripts/bulk-floor.c (OpenSSL on a blocking socket, no loop, no runtime: what no server on
# this OpenSSL goes below), each started once per direction and measured round after round in
# rotating order by the same load.js client (server cpu0, client cpu1). Prints the server's CPU
# per MiB (load.js's server_cores / MiB/s) for every round, the medians and the ratios to Node.
#
#   scripts/bulk-compare.sh                      # sink and source, 5 rounds of 3 GiB
#   ROUNDS=7 MIB=4096 DIRS=sink scripts/bulk-compare.sh
#   READ=raw scripts/bulk-compare.sh             # the jtls server reads with a borrowed reader
#   DIRS=sink SERVERS="node jtls jtls-raw" scripts/bulk-compare.sh   # 'data' and borrowed reads in one run
#
# Needs the bench jar (scripts/bench.sh builds it, or: mvn -B -o -q -pl jtls-bench -am package
# -DskipTests -Djtls.buildDir=$JTLS_BUILD_DIR), gcc and libssl-dev, node, taskset.
# Environment: JTLS_BUILD_DIR [target], BENCH_DIR [/work/shared/bench], BENCH_WORKDIR
# [/tmp/jtls-bulk-compare] (certificates and logs), CIPHERS [TLS_AES_128_GCM_SHA256, the bench's
# bulk suite], SERVERS ["node jtls floor floor-ra"]
# (floor-ra: the floor with SSL_set_read_ahead, OpenSSL reading whole socket buffers; jtls-raw: a
# second jtls server reading with a borrowed reader, READ=raw, whatever READ says for jtls).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH_DIR=${BENCH_DIR:-$ROOT/../shared/bench}
[[ -f $BENCH_DIR/load.js ]] || BENCH_DIR=/work/shared/bench
W=${BENCH_WORKDIR:-/tmp/jtls-bulk-compare}
mkdir -p "$W"
export CERTS_DIR=${CERTS_DIR:-$W/certs}
[[ -f $CERTS_DIR/server-ec.crt ]] || "$BENCH_DIR/make-certs.sh" > /dev/null
export JTLS_BUILD_DIR=${JTLS_BUILD_DIR:-target}
[[ -f $ROOT/jtls-bench/$JTLS_BUILD_DIR/jtls-bench.jar ]] \
  || { echo "bulk-compare: no jtls-bench/$JTLS_BUILD_DIR/jtls-bench.jar (build it first)" >&2; exit 1; }
gcc -O2 -Wall -o "$W/bulk-floor" "$ROOT/scripts/bulk-floor.c" -lssl -lcrypto
ROUNDS=${ROUNDS:-5}
CIPHERS=${CIPHERS:-TLS_AES_128_GCM_SHA256} # the client's offer, as run-anchors.sh's bulk rows
MIB=${MIB:-3072}
SERVERS=(${SERVERS:-node jtls floor floor-ra})
pids=()
declare -A pid_of=() port_of=()
trap 'kill "${pids[@]}" 2> /dev/null || true' EXIT

start() { # start NAME DIR: the server, pinned to cpu0; remembers its pid and port
  local name=$1 dir=$2 log=$W/$1-$2.log
  local opts=(--port 0 --lifetime 3600 --host 127.0.0.1 --cert ec --min TLSv1.2 --max TLSv1.3
    --tickets on --idcache on --mode "$dir" --bytes $((MIB * 1048576)) --chunk 65536)
  case $name in
    node) taskset -c 0 node "$BENCH_DIR/server-node.js" "${opts[@]}" > "$log" 2>&1 & ;;
    jtls) taskset -c 0 "$ROOT/scripts/bench-server.sh" "${opts[@]}" > "$log" 2>&1 & ;;
    jtls-raw) READ=raw taskset -c 0 "$ROOT/scripts/bench-server.sh" "${opts[@]}" > "$log" 2>&1 & ;;
    floor) taskset -c 0 "$W/bulk-floor" "${opts[@]}" > "$log" 2>&1 & ;;
    floor-ra) taskset -c 0 "$W/bulk-floor" --read-ahead "${opts[@]}" > "$log" 2>&1 & ;;
    *) echo "bulk-compare: unknown server $name" >&2; exit 1 ;;
  esac
  pids+=($!)
  pid_of[$name]=$!
  for _ in $(seq 150); do grep -q '^listening' "$log" && break; sleep 0.2; done
  port_of[$name]=$(sed -n 's/^listening \([0-9]*\).*/\1/p' "$log")
}

measure() { # measure NAME DIR: one load.js run; prints server us per MiB
  taskset -c 1 node "$BENCH_DIR/load.js" bulk --dir "$2" --mib "$MIB" --ciphers "$CIPHERS" \
    --port "${port_of[$1]}" --pid "${pid_of[$1]}" 2>&1 \
    | tail -n 1 | node -e '
      const j = JSON.parse(require("fs").readFileSync(0, "utf8"));
      if (j.error) { console.error("load.js: " + j.error); process.exit(1); }
      console.log(Math.round(j.server_cores * 1e6 / j.mibps));'
}

median() { printf '%s\n' "$@" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

ALL_SERVERS=("${SERVERS[@]}")
for dir in ${DIRS:-sink source}; do
  SERVERS=()
  for s in "${ALL_SERVERS[@]}"; do # read-ahead changes nothing for a server that only sends
    [[ $dir == source && $s == floor-ra ]] || SERVERS+=("$s")
  done
  for s in "${SERVERS[@]}"; do start "$s" "$dir"; done
  for s in "${SERVERS[@]}"; do measure "$s" "$dir" > /dev/null; done # warm-up (the JIT, the kernel's buffers)
  declare -A runs=()
  n=${#SERVERS[@]}
  for ((r = 0; r < ROUNDS; r++)); do
    for ((i = 0; i < n; i++)); do
      s=${SERVERS[$(((i + r) % n))]}
      runs[$s]+="$(measure "$s" "$dir") "
    done
  done
  echo "bulk $dir ($([[ $dir == sink ]] && echo 'client -> server' || echo 'server -> client')), $CIPHERS, server us per MiB, $ROUNDS rounds of $MIB MiB${READ:+, jtls READ=$READ}:"
  node_median=
  for s in "${SERVERS[@]}"; do
    # shellcheck disable=SC2086 # the runs are a space-separated list
    m=$(median ${runs[$s]})
    [[ $s == node ]] && node_median=$m
    ratio=${node_median:+$(awk -v a="$m" -v b="$node_median" 'BEGIN {printf "%.2f", a / b}')}
    printf '  %-9s median %5s  (%s)%s\n' "$s" "$m" "${runs[$s]% }" "${ratio:+  /node $ratio}"
  done
  [[ -n $node_median ]] && awk -v b="$node_median" 'BEGIN {printf "  goal 0.67 x node = %.0f\n", 0.67 * b}'
  kill "${pids[@]}" 2> /dev/null || true
  wait 2> /dev/null || true
  pids=()
  unset runs
done
