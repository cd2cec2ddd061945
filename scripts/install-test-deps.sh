#!/usr/bin/env bash
# Installs the real peers the tests talk to, where they are missing: the openssl CLI,
# Node.js, redis-server, a C compiler (one test fakes an old libcrypto), and curl and
# Chromium (jtls serve --http answers both). Uses apt-get (as root, or through sudo).
set -euo pipefail
missing=()
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v cc >/dev/null 2>&1 || missing+=(gcc)
command -v curl >/dev/null 2>&1 || missing+=(curl)          # jtls-cli: serve --http
command -v chromium >/dev/null 2>&1 || missing+=(chromium)  # jtls-cli: serve --http in a browser
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "jtls: the tests need ${missing[*]}; install them with your package manager." >&2
  exit 1
fi
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "jtls: installing test peers: ${missing[*]}" >&2
$SUDO apt-get update -qq >&2 || true
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >&2
