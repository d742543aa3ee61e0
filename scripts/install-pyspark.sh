#!/usr/bin/env bash
# PySpark for tests/export_pyspark.rs, which runs `centella export`'s programs on real Spark.
# Makes sure of Java 17+ and of a venv holding pyspark 4.3.0 at
#   $CENTELLA_PYSPARK_VENV (default ~/.cache/centella-tools/pyspark-venv),
# installing only what is missing; a venv that already imports pyspark 4.3.0 is reused.
# A fresh install downloads ~450 MB from PyPI and builds the wheel (about 40 s).
set -euo pipefail

VENV="${CENTELLA_PYSPARK_VENV:-$HOME/.cache/centella-tools/pyspark-venv}"
VERSION=4.3.0

# shellcheck source=scripts/lib/apt.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/apt.sh"

# Spark 4 needs Java 17 or later; `java -version` prints e.g. `openjdk version "17.0.15" ...`.
java_major() {
  command -v java >/dev/null || { echo 0; return; }
  local v
  v=$(java -version 2>&1 | sed -n 's/.* version "\([0-9]*\).*/\1/p' | head -1)
  echo "${v:-0}"
}
if [ "$(java_major)" -lt 17 ]; then
  # Debian's default JRE: 17 on bookworm, 21 on trixie (Spark 4 runs on both).
  echo "Installing Java (17+) for the PySpark tests..." >&2
  apt_install default-jre-headless
  if [ "$(java_major)" -lt 17 ]; then
    echo "PySpark 4 needs Java 17 or newer; 'java' is still $(java_major) (update-alternatives --config java)" >&2
    exit 1
  fi
fi

if "$VENV/bin/python" -c "import pyspark, sys; sys.exit(pyspark.__version__ != '$VERSION')" 2>/dev/null; then
  exit 0
fi

echo "Installing pyspark $VERSION into $VENV for the export tests (about 40 s, once)..." >&2
command -v python3 >/dev/null || apt_install python3
rm -rf "$VENV"
if ! python3 -m venv "$VENV" 2>/dev/null; then
  rm -rf "$VENV"
  apt_install python3-venv
  python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install -q --disable-pip-version-check "pyspark==$VERSION"
"$VENV/bin/python" -c "import pyspark.streaming; print('pyspark', pyspark.__version__, 'in $VENV')" >&2
