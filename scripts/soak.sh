#!/usr/bin/env bash
# The soak (not part of the test run, which has a 1-minute version of it): churns TLS
# connections against one jtls server for MINUTES (default 10) and samples every 10 s RSS, Java
# heap after GC, glibc's heap in use (mallinfo2), live OpenSSL objects, file descriptors and
# threads; fails when one of them trends up. The table is in the test output:
# jtls-core/target-soak/surefire-reports/io.jtls.soak.SoakTest-output.txt (printed at the end).
#   scripts/soak.sh [MINUTES]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
export JTLS_SOAK_MINUTES=${1:-10}
status=0
mvn -B -o -ntp -pl jtls-core test -Djtls.buildDir=target-soak -Dtest=SoakTest \
    -Dsurefire.failIfNoSpecifiedTests=false || status=$?
cat jtls-core/target-soak/surefire-reports/io.jtls.soak.SoakTest-output.txt 2>/dev/null || true
exit $status
