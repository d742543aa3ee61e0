#!/usr/bin/env bash
# Kill -9 a stateful stream at random moments and restart it from its checkpoint, N times
# (default 100): every trial must end with every input record counted exactly once.
# Half the trials use queueStream, half textFileStream; see tests/recovery.rs.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100}
CENTELLA_CRASH_TRIALS=$N cargo test --release --test recovery killed_and_restarted -- --nocapture
