#!/usr/bin/env bash
# The main job: builds jtls and runs the demo, a mutual-TLS handshake between a client and a
# server engine in memory (examples/.../InMemoryHandshakeDemo.java). Needs JDK 25, Maven and
# OpenSSL 3 (scripts/env.sh finds them or says what to install).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
mvn -B -ntp -q -Dstyle.color=never -Dmaven.test.skip=true -pl examples -am install
exec java --enable-native-access=ALL-UNNAMED \
  -cp "jtls-core/target/jtls-core-0.1.0-SNAPSHOT.jar:examples/target/jtls-examples-0.1.0-SNAPSHOT.jar" \
  io.jtls.examples.InMemoryHandshakeDemo "$@"
