#!/usr/bin/env bash
# Kill -9 stateful streams at random moments and restart them from their checkpoints, N times
# (default 100): every trial must end with every input record counted exactly once.
#  - tests/recovery.rs: half the trials over queueStream, half over textFileStream;
#  - tests/kafka.rs: one stream over a real Kafka-protocol broker (Tansu), killed N times.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100}
CENTELLA_CRASH_TRIALS=$N cargo test --release --test recovery killed_and_restarted -- --nocapture
CENTELLA_CRASH_TRIALS=$N cargo test --release --test kafka killed_and_restarted -- --nocapture
