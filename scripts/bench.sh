#!/usr/bin/env bash
# Builds the jtls bench server and runs the performance anchors (/work/shared/bench) with it
# beside the Node server: handshakes, bulk, idle memory (and s_time/s_server/speed), then the
# jtls/node ratio table.
#
#   scripts/bench.sh                                  # everything, both servers (~14 min)
#   QUICK=1 SECTIONS="hs bulk idle" scripts/bench.sh  # smoke test (~2 min)
#   REPEATS=3 SECTIONS="hs bulk idle" scripts/bench.sh
#
# Every knob of run-anchors.sh passes through the environment (QUICK, SECTIONS, REPEATS, D,
# WARMUP, C, BULK_MIB, IDLE_K, SERVERS, BENCH_WORKDIR, ...). Also:
#   BENCH_DIR       the harness [../shared/bench beside this checkout, else /work/shared/bench]
#   JTLS_BUILD_DIR  Maven build folder [target]; JTLS_BENCH_JVM_OPTS extra server JVM flags
#   SKIP_BUILD=1    use the jar already built
#   AOT=0           no AOT cache: every server starts cold (default: scripts/aot-train.sh records
#                   jtls-bench/$JTLS_BUILD_DIR/jtls-bench.aot after a build, when the jar is newer
#                   than the cache; bench-server.sh starts from it)
# The harness runs from a copy in $BENCH_WORKDIR [/tmp/jtls-bench] (BENCH_FORCE_RELOCATE [1]:
# the shared folder stays clean even where root could write into it); the results folder is
# printed at the end.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
. scripts/env.sh
export JTLS_BUILD_DIR=${JTLS_BUILD_DIR:-target}
BENCH_DIR=${BENCH_DIR:-$ROOT/../shared/bench}
[[ -x $BENCH_DIR/run-anchors.sh ]] || BENCH_DIR=/work/shared/bench
[[ -x $BENCH_DIR/run-anchors.sh ]] || { echo "bench: no run-anchors.sh (set BENCH_DIR)" >&2; exit 1; }

if [[ ${SKIP_BUILD:-0} != 1 ]]; then
  echo "bench: building jtls-bench/$JTLS_BUILD_DIR/jtls-bench.jar" >&2
  if ! build_log=$(mvn -B -ntp -q -Djtls.buildDir="$JTLS_BUILD_DIR" -Dmaven.test.skip=true -pl jtls-bench -am package 2>&1); then
    echo "$build_log" >&2
    exit 1
  fi
fi

jar=jtls-bench/$JTLS_BUILD_DIR/jtls-bench.jar
cache=${jar%.jar}.aot
if [[ ${AOT:-1} == 0 ]]; then
  export JTLS_AOT_CACHE=none
elif [[ ! -f $cache || $jar -nt $cache ]]; then
  # The training run's certificates: where the relocated harness keeps its own (make-certs.sh
  # is idempotent), unless CERTS_DIR says otherwise.
  certs=${CERTS_DIR:-${BENCH_WORKDIR:-/tmp/jtls-bench}/certs}
  CERTS_DIR=$certs "$BENCH_DIR/make-certs.sh" > /dev/null
  CERTS_DIR=$certs BENCH_DIR=$BENCH_DIR scripts/aot-train.sh "$cache" >&2
fi

export BENCH_FORCE_RELOCATE=${BENCH_FORCE_RELOCATE:-1}
export JTLS_SERVER_CMD="$ROOT/scripts/bench-server.sh"
log=$(mktemp /tmp/jtls-bench-run.XXXXXX)
set +e
"$BENCH_DIR/run-anchors.sh" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# run-anchors.sh logs "results in /abs/results/<timestamp>" at the start and the end.
results=$(sed -n 's/.*results in \(\/[^ ;]*\).*/\1/p' "$log" | tail -n 1)
if [[ -n $results ]]; then
  echo
  echo "bench: results in $results"
  echo "bench: table again: node $(dirname "$(dirname "$results")")/report.js $results"
fi
rm -f "$log"
exit "$status"
