#!/usr/bin/env bash
# Runs every test of jtls. Needs JDK 25, Maven, OpenSSL 3; the interop tests also use the
# openssl CLI and node, which this script installs with apt-get when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
scripts/install-test-deps.sh
exec mvn -B -ntp "$@" verify
