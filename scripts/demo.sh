#!/usr/bin/env bash
# The main job: builds jtls and runs the demo. Needs JDK 25, Maven and OpenSSL 3
# (scripts/env.sh finds them or says what to install).
#
#   scripts/demo.sh              a jtls server and clients over loopback sockets: generated
#                                certificates, mutual TLS, SNI with two host names, ALPN
#                                (examples/.../LoopbackDemo.java)
#   scripts/demo.sh --in-memory  a mutual-TLS handshake between a client and a server engine
#                                in memory, no sockets (examples/.../InMemoryHandshakeDemo.java)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
main=io.jtls.examples.LoopbackDemo
if [[ ${1:-} == --in-memory ]]; then
  main=io.jtls.examples.InMemoryHandshakeDemo
  shift
fi
# Quiet build (Maven's own output only if it fails); tests are not built: scripts/test.sh runs them.
if ! build_log=$(mvn -B -ntp -q -Dmaven.test.skip=true -pl examples -am install 2>&1); then
  echo "$build_log" >&2
  exit 1
fi
exec java --enable-native-access=ALL-UNNAMED \
  -cp "jtls-core/target/jtls-core-0.1.0-SNAPSHOT.jar:examples/target/jtls-examples-0.1.0-SNAPSHOT.jar" \
  "$main" "$@"
