#!/usr/bin/env bash
# Writes tools/javadoc-jdk25/element-list: the JDK's modules and their exported packages, in
# javadoc's element-list format. The parent POM's javadoc -linkoffline reads it, so that the
# Javadoc links to the JDK's API pages without fetching anything while building.
# Run again when the JDK the build targets changes.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
out=tools/javadoc-jdk25/element-list
mkdir -p "$(dirname "$out")"
{
  for m in $("$JAVA_HOME/bin/java" --list-modules | sed 's/@.*//' | grep -E '^(java|jdk)\.' | sort); do
    echo "module:$m"
    "$JAVA_HOME/bin/java" --describe-module "$m" | awk '$1 == "exports" && NF == 2 {print $2}' | sort
  done
} > "$out"
echo "wrote $out ($(wc -l < "$out") lines)"
