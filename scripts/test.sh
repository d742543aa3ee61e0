#!/usr/bin/env bash
# The whole test suite, as CI runs it: formatting, lints, then every test.
# Installs what the tests need only when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null; then
  echo "cargo not found: install Rust from https://rustup.rs" >&2
  exit 1
fi
rustup component add rustfmt clippy >/dev/null 2>&1 || true

# shellcheck source=scripts/lib/apt.sh
source scripts/lib/apt.sh

# The socket tests talk to real Debian netcat on 127.0.0.1.
if ! command -v nc >/dev/null || ! nc -h 2>&1 | grep -q OpenBSD; then
  apt_install netcat-openbsd
fi

# The web UI test loads the Streaming page in Debian's headless Chromium.
if [ ! -x /usr/bin/chromium ]; then
  apt_install chromium
fi
# The browser test fails, not skips, when chromium is missing.
export CENTELLA_REQUIRE_CHROMIUM=1

# The Kafka tests (tests/kafka.rs) run a real Kafka-protocol broker: Tansu 0.6.0 with its
# sqlite storage, built once into ~/.cache/centella-tools (about 6.5 minutes) and reused.
TOOLS="$HOME/.cache/centella-tools"
if ! "$TOOLS/bin/tansu" --version 2>/dev/null | grep -q '0\.6\.0'; then
  echo "Installing tansu 0.6.0 into $TOOLS for the Kafka tests (about 6.5 minutes, once)..." >&2
  cargo install tansu --version 0.6.0 --locked --debug --no-default-features --features libsql --root "$TOOLS"
fi

# tests/export_pyspark.rs runs `centella export`'s programs on real PySpark 4.3.0: Java 17+
# and a venv in ~/.cache/centella-tools/pyspark-venv (about 40 s, once), then reused.
# CENTELLA_REQUIRE_PYSPARK makes that test fail, not skip, when PySpark is missing.
scripts/install-pyspark.sh
export CENTELLA_REQUIRE_PYSPARK=1

cargo fmt --all -- --check
cargo clippy --all-targets --locked -- -D warnings
cargo test --locked --all-targets
