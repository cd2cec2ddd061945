#!/usr/bin/env bash
# Fuzzes one Jazzer target of jtls-core for a while (not part of the test run, where the
# @FuzzTest methods only replay their corpus):
#   scripts/fuzz.sh TARGET [SECONDS]     e.g. scripts/fuzz.sh ClientHelloParserFuzzTest 300
# TARGET is a fuzz test class, or Class#method for one of several methods (Jazzer fuzzes one
# method per run). New coverage goes to jtls-core/.cifuzz-corpus/ (kept between runs, not
# committed); a crashing input is written under jtls-core/src/test/resources/.../<Class>Inputs/
# <method>/, where the normal suite replays it from then on: commit it with the fix. Builds in
# jtls-core/target-fuzz (JTLS_FUZZ_BUILD_DIR) so that a test run can share the work tree.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
[ $# -ge 1 ] || jtls_die "usage: scripts/fuzz.sh TARGET [SECONDS]   (TARGET: a *FuzzTest class, or Class#method)"
target=$1
seconds=${2:-300}
echo "jtls: fuzzing $target for ${seconds}s"
export JAZZER_FUZZ=1
export JAZZER_MAX_DURATION="${seconds}s"
start=$(date +%s)
status=0
mvn -B -o -ntp -pl jtls-core test -Djtls.buildDir="${JTLS_FUZZ_BUILD_DIR:-target-fuzz}" -Dtest="$target" -Dsurefire.failIfNoSpecifiedTests=false \
    -Dsurefire.timeout=$((seconds + 300)) || status=$?
echo "jtls: fuzzed $target for $(( $(date +%s) - start ))s (wall, build included), exit $status"
exit $status
