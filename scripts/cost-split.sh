#!/usr/bin/env bash
# Where each server's CPU goes, in microseconds per handshake (or per MiB): nginx, Node and jtls
# under the same load.js load, each pinned to cpu0, split by what ran — the kernel, libcrypto,
# libssl, libc, and the server's own code (nginx and its stream module; Node's binary and V8's
# JIT code; the JVM, its JIT code and the JDK's native libraries). For the cost ledger
# (docs/performance.md): what a server could save is at most its own code's share, since the
# OpenSSL calls and the TCP exchange are the same for every server.
#
#   CERTS_DIR=<make-certs.sh output> scripts/cost-split.sh
# Environment: SERVERS  "nginx node jtls" (nginx needs nginx + libnginx-mod-stream)
#              CONFIGS  "full resumed tls12 tls12ticket bulk-src bulk-sink" (nginx: handshakes only)
#              D        seconds per measured run [6]; WARM seconds of warm-up per config [10]
#              BULK_MIB MiB per bulk run [2048]
# Method: per server and config, a warm-up run, a run without perf for the figure (srv us/hs
# from load.js, or srv us/MiB from its server_cores), then a run under `perf record -F 999`
# (no call graphs: small overhead) for the shares; the shares are applied to the figure.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH=${BENCH_DIR:-$ROOT/../shared/bench}
[[ -f $BENCH/load.js ]] || BENCH=/work/shared/bench
: "${CERTS_DIR:?set CERTS_DIR (make-certs.sh output)}"; export CERTS_DIR
SERVERS=${SERVERS:-nginx node jtls}
CONFIGS=${CONFIGS:-full resumed tls12 tls12ticket bulk-src bulk-sink}
D=${D:-6}; WARM=${WARM:-10}; BULK_MIB=${BULK_MIB:-2048}
W=$(mktemp -d /tmp/jtls-cost-split.XXXXXX)
PORT=9750
command -v perf > /dev/null || { echo "cost-split: needs perf (apt-get install linux-perf)" >&2; exit 1; }

client_args() {
  case $1 in
    full) echo "handshakes -c 16" ;; resumed) echo "handshakes -c 16 --resume" ;;
    tls12) echo "handshakes -c 16 --max TLSv1.2" ;; tls12ticket) echo "handshakes -c 16 --max TLSv1.2 --resume" ;;
    bulk-src) echo "bulk --dir source --ciphers TLS_AES_128_GCM_SHA256" ;;
    bulk-sink) echo "bulk --dir sink --mib $BULK_MIB --ciphers TLS_AES_128_GCM_SHA256" ;;
  esac
}
mode_of() { case $1 in bulk-src) echo "source --bytes $((BULK_MIB * 1048576))" ;; bulk-sink) echo sink ;; *) echo echo ;; esac; }
start() { # server config: sets SPID
  local log=$W/$1-$2.log mode; mode=$(mode_of "$2")
  case $1 in
    nginx)
      sed "s|@CERTS@|$CERTS_DIR|g; s|@W@|$W|g; s|127.0.0.1:9700|127.0.0.1:$PORT|" "$BENCH/nginx/nginx.conf.in" > "$W/nginx.conf"
      taskset -c 0 nginx -c "$W/nginx.conf" > "$log" 2>&1 & SPID=$!; sleep 1 ;;
    node)
      # shellcheck disable=SC2086
      taskset -c 0 node "$BENCH/server-node.js" --port $PORT --host 127.0.0.1 --cert ec --tickets on --mode $mode > "$log" 2>&1 & SPID=$! ;;
    jtls)
      # shellcheck disable=SC2086
      taskset -c 0 "$ROOT/scripts/bench-server.sh" --port $PORT --host 127.0.0.1 --lifetime 900 --cert ec --min TLSv1.2 \
        --max TLSv1.3 --tickets on --idcache off --chunk 65536 --mode $mode > "$log" 2>&1 & SPID=$! ;;
  esac
  [[ $1 == nginx ]] || for _ in $(seq 1 120); do grep -q listening "$log" && break; sleep 0.25; done
}
load() { # config duration warmup: prints load.js's JSON line
  local a; a=$(client_args "$1")
  # shellcheck disable=SC2086
  case $1 in bulk-*) taskset -c 1 node "$BENCH/load.js" $a --port $PORT --pid "$SPID" 2> /dev/null | tail -n 1 ;;
    *) taskset -c 1 node "$BENCH/load.js" $a --port $PORT --pid "$SPID" -d "$2" --warmup "$3" 2> /dev/null | tail -n 1 ;; esac
}
figure() { # JSON line: us per handshake, or per MiB
  node -e 'const r=JSON.parse(process.argv[1]); console.log(r.mode==="bulk" ? Math.round(r.server_cores*r.secs*1e6/(r.bytes/1048576)) : r.server_us_per_hs)' "$1"
}

printf '%-6s %-12s %9s %8s %9s %7s %7s %8s   (us per handshake, or per MiB for bulk)\n' server config total kernel libcrypto libssl libc own
for s in $SERVERS; do
  for c in $CONFIGS; do
    [[ $s == nginx && $c == bulk-* ]] && continue
    start "$s" "$c"
    [[ $c == bulk-* ]] || load "$c" "$WARM" 1 > /dev/null
    [[ $c != bulk-* ]] || load "$c" > /dev/null
    fig=$(figure "$(load "$c" "$D" 1)")
    perf record -e cpu-clock -F 999 -p "$SPID" -o "$W/$s-$c.data" 2> /dev/null & pr=$!
    sleep 0.5
    load "$c" "$D" 1 > /dev/null
    kill -INT $pr; wait $pr 2> /dev/null || true
    kill "$SPID" 2> /dev/null; wait "$SPID" 2> /dev/null || true
    perf report -i "$W/$s-$c.data" --no-children --sort dso --stdio -g none 2> /dev/null | grep -v '^#' | grep '%' |
      awk -v s="$s" -v c="$c" -v fig="$fig" '
        { p = $1; sub(/%/, "", p); d = $2
          if (d ~ /kernel/) k += p; else if (d ~ /libcrypto/) cr += p; else if (d ~ /libssl/) sl += p;
          else if (d ~ /^libc\.so|^ld-linux|^libpthread/) lc += p; else own += p; t += p }
        END { f = fig / t; printf "%-6s %-12s %9d %8.0f %9.0f %7.0f %7.0f %8.0f\n", s, c, fig, k*f, cr*f, sl*f, lc*f, own*f }'
  done
done
rm -rf "$W"
