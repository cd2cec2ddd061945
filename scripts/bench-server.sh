#!/usr/bin/env bash
# The jtls bench server (jtls-bench's io.jtls.bench.BenchServer), for the performance anchors:
#   JTLS_SERVER_CMD=/abs/path/scripts/bench-server.sh /work/shared/bench/run-anchors.sh
# Takes server-node.js's options (--port --host --cert --min --max --tickets --idcache
# --ciphers --mode --bytes --chunk --lifetime, or their environment variables) and execs the
# JVM, so that the PID the harness started is the server itself.
#
# Environment: JTLS_BENCH_JAR   the jar [jtls-bench/$JTLS_BUILD_DIR/jtls-bench.jar]
#              JTLS_BUILD_DIR   Maven build folder the jar is in [target]
#              JTLS_BENCH_MAIN  a main class of the jar to run instead of its Main-Class
#                (scripts/bench-jsse-server.sh: the JSSE server, on the same JVM flags)
#              JTLS_AOT_CACHE   the JDK 25 AOT cache to start from [the jar's path with .aot];
#                used only when the file exists and is newer than the jar; `none`: never.
#                scripts/aot-train.sh records it (scripts/bench.sh does, after building).
#              JTLS_BENCH_JVM_OPTS  extra JVM flags, appended (they win), e.g. for a JFR recording:
#                '-XX:StartFlightRecording=filename=/tmp/bench.jfr,settings=profile'
#
# JVM flags, for a server pinned to one CPU (the harness runs it under taskset -c 0):
#   -XX:+UseSerialGC        one CPU: no GC worker threads to compete with the event loop; young
#                           collections of short-lived garbage are cheapest single-threaded
#                           (also what ergonomics picks on one CPU; explicit so it never varies).
#   -Xms64m -Xmn32m         a small, fixed-from-the-start young generation: garbage is collected
#                           often instead of accumulating into RSS, which the idle test counts.
#   -Xmx1g                  bounds the heap (default would be 1/4 of RAM).
#   -XX:+UseCompactObjectHeaders  JDK 25 (JEP 519): 8-byte object headers, less heap per
#                           connection object.
#   -Xss512k                few threads (one event loop per CPU); OpenSSL's handshake code runs
#                           on the loop thread's stack, 512 KiB leaves ample room.
#   -XX:-UsePerfData        no hsperfdata mmap file (jcmd still attaches).
#   MALLOC_ARENA_MAX=1      (only when this process sees one CPU, as under the harness's pinning):
#                           OpenSSL's per-connection allocations all come from glibc's main arena
#                           instead of a second per-thread arena; measured 16 instead of 19 KiB
#                           of RSS per idle connection, no lock contention on one CPU.
#   Full tiered compilation (C1 then C2): the harness warms up before measuring, and steady
#   state is what we compare; -XX:TieredStopAtLevel=1 would trade peak speed for warm-up.
#   -XX:AOTCache            (when trained, see JTLS_AOT_CACHE) classes arrive loaded and linked
#                           and the JIT has the training run's profiles: the harness starts a
#                           fresh server per config and warms it only a few seconds, and without
#                           the cache the first measured round still pays C2 compiling the
#                           handshake path (measured: 589 -> 436 us/hs in a fresh server's first
#                           round, TLS 1.3 full; later rounds alike). The same cache serves a
#                           deployment: train once per build, start every server from it.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
if [[ ! -x ${JAVA_HOME:-/nonexistent}/bin/java ]] ||
   [[ $("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}') -lt 25 ]]; then
  . "$ROOT/scripts/env.sh" # finds JDK 25 (and dies saying what to install)
fi
JAR=${JTLS_BENCH_JAR:-$ROOT/jtls-bench/${JTLS_BUILD_DIR:-target}/jtls-bench.jar}
[[ -f $JAR ]] || { echo "bench-server: $JAR not found: build it with scripts/bench.sh (or mvn -pl jtls-bench -am package)" >&2; exit 1; }
AOT=${JTLS_AOT_CACHE:-${JAR%.jar}.aot}
aot=()
[[ $AOT != none && -f $AOT && $AOT -nt $JAR ]] && aot=("-XX:AOTCache=$AOT")
[[ $(nproc) == 1 ]] && export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-1}
if [[ -n ${JTLS_BENCH_MAIN:-} ]]; then run=(-cp "$JAR" "$JTLS_BENCH_MAIN"); else run=(-jar "$JAR"); fi
# shellcheck disable=SC2086 # JTLS_BENCH_JVM_OPTS is a list of flags
exec "$JAVA_HOME/bin/java" \
  -XX:+UseSerialGC -Xms64m -Xmn32m -Xmx1g -XX:+UseCompactObjectHeaders -Xss512k -XX:-UsePerfData \
  --enable-native-access=ALL-UNNAMED \
  ${aot[@]+"${aot[@]}"} \
  ${JTLS_BENCH_JVM_OPTS:-} \
  "${run[@]}" "$@"
