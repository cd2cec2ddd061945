#!/usr/bin/env bash
# The engine-alone benchmarks (jtls-bench's io.jtls.bench.jmh.EngineBench, JMH) beside the
# OpenSSL floor (/work/shared/bench/floor.sh) in the same run: server CPU per handshake for
# full13/resumed13/full12/ticket12 and per 16 KiB record, jtls's engine vs OpenSSL alone.
# Not part of the test suite.
#
#   scripts/jmh.sh                          # floor, then every benchmark (~4 min)
#   scripts/jmh.sh 'EngineBench.handshake' -p mode=full13    # JMH arguments pass through
# Environment: CERTS_DIR  the bench certificates [/tmp/jtls-bench/certs, made if missing]
#              SKIP_BUILD=1 use the jar already built; SKIP_FLOOR=1 no floor.sh
#              BENCH_DIR  the shared bench [/work/shared/bench]
# Read the "server_us" rows divided by "ops" (printed at the end as server us/op): the
# server's CPU alone, the figure to compare with the floor's "server us/handshake".
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
. scripts/env.sh
BENCH_DIR=${BENCH_DIR:-/work/shared/bench}
export CERTS_DIR=${CERTS_DIR:-/tmp/jtls-bench/certs}
[[ -f $CERTS_DIR/server-ec.crt ]] || "$BENCH_DIR/make-certs.sh" >/dev/null
JAR=jtls-bench/${JTLS_BUILD_DIR:-target}/jtls-bench.jar
if [[ ${SKIP_BUILD:-0} != 1 ]]; then
  mvn -B -o -ntp -q -Dmaven.test.skip=true -pl jtls-bench -am package
fi
if [[ ${SKIP_FLOOR:-0} != 1 && -x $BENCH_DIR/floor.sh ]]; then
  "$BENCH_DIR/floor.sh" || echo "jmh: floor.sh failed (needs gcc and libssl-dev)" >&2
fi
pin=(); command -v taskset >/dev/null && pin=(taskset -c 0)
out=$(mktemp /tmp/jtls-jmh.XXXXXX.json)
"${pin[@]}" "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$JAR" org.openjdk.jmh.Main \
  -rf json -rff "$out" "${@:-EngineBench}"
# server_us and ops are per-iteration sums: their ratio is the server's CPU per operation.
python3 - "$out" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
print("\nserver CPU per operation (us), engine alone:")
for r in rows:
    sec = r.get("secondaryMetrics", {})
    us, ops = sec.get("server_us", {}).get("score"), sec.get("ops", {}).get("score")
    mode = r.get("params", {}).get("mode", "")
    if us is not None and ops:
        print("  %-40s %-10s %8.2f   (both sides %.2f us)" % (r["benchmark"].split(".")[-1], mode, us / ops, r["primaryMetric"]["score"]))
PY
echo "jmh: results in $out"
