# Sourced by the jtls scripts: finds JDK 25, Maven and OpenSSL 3, or says what to install.
# Sets JAVA_HOME and PATH for the commands that follow.

jtls_die() { echo "jtls: $*" >&2; exit 1; }

jtls_java_major() { # prints the feature version of the java at $1/bin/java
  # The JDK's release file first: starting a JVM to ask costs as much as scripts/jtls's own start.
  local v
  v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null)
  if [ -n "$v" ]; then echo "$v"; return 0; fi
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}'
}

jtls_find_jdk25() {
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  for d in /usr/lib/jvm/temurin-25* /usr/lib/jvm/*-25* /usr/lib/jvm/jdk-25* /usr/lib/jvm/java-25* /opt/jdk-25* /opt/java/openjdk; do
    [ -d "$d" ] && candidates+=("$d")
  done
  if command -v javac >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  fi
  local c v
  for c in "${candidates[@]}"; do
    [ -x "$c/bin/javac" ] || continue
    v=$(jtls_java_major "$c")
    if [ -n "$v" ] && [ "$v" -ge 25 ] 2>/dev/null; then echo "$c"; return 0; fi
  done
  return 1
}

JAVA_HOME=$(jtls_find_jdk25) || jtls_die "no JDK 25 found (JAVA_HOME, /usr/lib/jvm/*25*, or javac on PATH).
Install one, e.g. Debian/Ubuntu with the Adoptium repository: apt-get install temurin-25-jdk,
or unpack a JDK 25 and export JAVA_HOME=/path/to/it."
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"

command -v mvn >/dev/null 2>&1 || jtls_die "Maven (mvn) not found: install it (Debian/Ubuntu: apt-get install maven)."

jtls_have_openssl3() {
  if [ -n "${JTLS_OPENSSL_DIR:-}" ]; then
    [ -e "$JTLS_OPENSSL_DIR/libssl.so.3" ] && [ -e "$JTLS_OPENSSL_DIR/libcrypto.so.3" ]; return
  fi
  ldconfig -p 2>/dev/null | grep -q 'libssl.so.3 ' && ldconfig -p 2>/dev/null | grep -q 'libcrypto.so.3 ' && return 0
  for d in /lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/lib /lib/aarch64-linux-gnu /usr/lib/aarch64-linux-gnu; do
    [ -e "$d/libssl.so.3" ] && [ -e "$d/libcrypto.so.3" ] && return 0
  done
  return 1
}
jtls_have_openssl3 || jtls_die "OpenSSL 3 (libssl.so.3, libcrypto.so.3) not found.
Install it (Debian/Ubuntu: apt-get install libssl3; Fedora: dnf install openssl-libs),
or set JTLS_OPENSSL_DIR to the folder that holds both libraries."

# Maven itself runs on the JDK found above; keep JDK 25's warnings about Maven's own libraries quiet.
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
