#!/usr/bin/env bash
# The JSSE bench server (jtls-bench's io.jtls.bench.jsse.JsseBenchServer): server-node.js's
# echo / sink / source server on Netty's SslHandler over the JDK's provider or jtls's.
#   scripts/bench-jsse-server.sh --provider jdk|jtls [server-node.js options]
# Execs the JVM (the PID started is the server), with the JVM flags of scripts/bench-server.sh
# (see there why), so that the two providers and BenchServer run on the same JVM settings.
# Environment: JTLS_BENCH_JAR, JTLS_BUILD_DIR, JTLS_BENCH_JVM_OPTS as for bench-server.sh.
set -euo pipefail
JTLS_BENCH_MAIN=io.jtls.bench.jsse.JsseBenchServer exec "$(dirname "$0")/bench-server.sh" "$@"
