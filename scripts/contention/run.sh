#!/usr/bin/env bash
# Counts contention under a multi-loop handshake load (not a timing benchmark): JFR's contended
# monitor enters (jdk.JavaMonitorEnter) and parks (jdk.ThreadPark) at threshold 0, by class,
# over CONNECTIONS handshakes. Usage: scripts/contention/run.sh [CLASSES_DIR] [CONNECTIONS] [IN_FLIGHT]
# CLASSES_DIR defaults to jtls-core/target/classes (build it first: mvn -o -pl jtls-core compile).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
. "$root/scripts/env.sh" >/dev/null
classes="${1:-$root/jtls-core/target/classes}"
n="${2:-4000}"
inflight="${3:-64}"
out="$(mktemp -d)"
javac -d "$out" -cp "$classes" "$here/HandshakeContention.java"
java --enable-native-access=ALL-UNNAMED -cp "$out:$classes" \
  "-XX:StartFlightRecording=filename=$out/rec.jfr,settings=default,jdk.JavaMonitorEnter#threshold=0ms,jdk.ThreadPark#threshold=0ms,jdk.JavaMonitorWait#enabled=false" \
  HandshakeContention "$n" "$inflight" 2 2 2>&1 | grep -v "Started recording\|Use jcmd\|^$" || true
echo "== contended monitor enters (jdk.JavaMonitorEnter), by monitor class and the frame that entered"
jfr print --stack-depth 1 --events jdk.JavaMonitorEnter "$out/rec.jfr" \
  | awk '/monitorClass = /{c=$3} /stackTrace = \[/{getline; sub(/^[ \t]+/, ""); sub(/[ \t]+line:.*/, ""); print c "  " $0}' \
  | sort | uniq -c | sort -rn | head -20
echo "== parks (jdk.ThreadPark), by parked-on class"
jfr print --events jdk.ThreadPark "$out/rec.jfr" | grep -o 'parkedClass = [^ ]*' | sort | uniq -c | sort -rn | head -20
rm -rf "$out"
