#!/usr/bin/env bash
# The JSSE bench server (jtls-bench's io.jtls.bench.jsse.JsseBenchServer): server-node.js's
# echo / sink / source server on Netty's SslHandler over the JDK's provider or jtls's.
#   scripts/bench-jsse-server.sh --provider jdk|jtls [server-node.js options]
# Execs the JVM (the PID started is the server), with the JVM flags of scripts/bench-server.sh
# (see there why), so that the two providers and BenchServer run on the same JVM settings.
# Environment: JTLS_BENCH_JAR, JTLS_BUILD_DIR, JTLS_BENCH_JVM_OPTS as for bench-server.sh.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
if [[ ! -x ${JAVA_HOME:-/nonexistent}/bin/java ]] ||
   [[ $("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}') -lt 25 ]]; then
  . "$ROOT/scripts/env.sh" # finds JDK 25 (and dies saying what to install)
fi
JAR=${JTLS_BENCH_JAR:-$ROOT/jtls-bench/${JTLS_BUILD_DIR:-target}/jtls-bench.jar}
[[ -f $JAR ]] || { echo "bench-jsse-server: $JAR not found: build it with scripts/bench-jsse.sh (or mvn -pl jtls-bench -am package)" >&2; exit 1; }
[[ $(nproc) == 1 ]] && export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-1}
# shellcheck disable=SC2086 # JTLS_BENCH_JVM_OPTS is a list of flags
exec "$JAVA_HOME/bin/java" \
  -XX:+UseSerialGC -Xms64m -Xmn32m -Xmx1g -XX:+UseCompactObjectHeaders -Xss512k -XX:-UsePerfData \
  --enable-native-access=ALL-UNNAMED \
  ${JTLS_BENCH_JVM_OPTS:-} \
  -cp "$JAR" io.jtls.bench.jsse.JsseBenchServer "$@"
