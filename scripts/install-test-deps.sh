#!/usr/bin/env bash
# Installs the real peers the tests talk to, where they are missing: the openssl CLI,
# Node.js, redis-server, a C compiler (one test fakes an old libcrypto), and the interop
# matrix's programs: curl, gnutls-cli/gnutls-serv (gnutls-bin), python3 and chromium
# (also jtls-cli's serve --http tests).
# Uses apt-get (as root, or through sudo).
set -euo pipefail
missing=()
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v cc >/dev/null 2>&1 || missing+=(gcc)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v gnutls-cli >/dev/null 2>&1 && command -v gnutls-serv >/dev/null 2>&1 || missing+=(gnutls-bin)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
# Debian's package is chromium; Ubuntu's chromium-browser is a snap wrapper, so on Ubuntu
# install Debian's or Google's build by hand (the matrix test skips Chromium's rows without it).
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || missing+=(chromium)
command -v prlimit >/dev/null 2>&1 || missing+=(util-linux) # AcceptStarvationTest lowers a child's descriptor limit
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
