#!/usr/bin/env bash
# The main job: builds jtls and runs the demo, a mutual-TLS handshake between a client and a
# server engine in memory (examples/.../InMemoryHandshakeDemo.java). Needs JDK 25, Maven and
# OpenSSL 3 (scripts/env.sh finds them or says what to install).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
# Quiet build (Maven's own output only if it fails); tests are not built: scripts/test.sh runs them.
if ! build_log=$(mvn -B -ntp -q -Dmaven.test.skip=true -pl examples -am install 2>&1); then
  echo "$build_log" >&2
  exit 1
fi
exec java --enable-native-access=ALL-UNNAMED \
  -cp "jtls-core/target/jtls-core-0.1.0-SNAPSHOT.jar:examples/target/jtls-examples-0.1.0-SNAPSHOT.jar" \
  io.jtls.examples.InMemoryHandshakeDemo "$@"
