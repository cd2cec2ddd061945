#!/usr/bin/env bash
# Copies the interop matrix of the last test run (jtls-core/target/interop-matrix.md, written by
# InteropMatrixTest) into README.md between <!-- interop begin --> and <!-- interop end -->.
set -euo pipefail
cd "$(dirname "$0")/.."
table=jtls-core/target/interop-matrix.md
[ -f "$table" ] || { echo "no $table: run InteropMatrixTest first" >&2; exit 1; }
python3 - "$table" <<'PY'
import sys
table = open(sys.argv[1], encoding="utf-8").read().strip() + "\n"
readme = open("README.md", encoding="utf-8").read()
begin, end = "<!-- interop begin -->", "<!-- interop end -->"
b, e = readme.index(begin), readme.index(end)
readme = readme[:b + len(begin)] + "\n" + table + readme[e:]
open("README.md", "w", encoding="utf-8").write(readme)
PY
echo "README.md: interop table updated from $table"
