#!/usr/bin/env bash
# The fault lab's class demo: simulated sensors on one side (`centella feed --generate
# sensors`), the shell on two simulated executors on the other, with the sensors' readings
# grouped by room. In the shell, lose an executor while the stream runs:
#
#   :fault kill-executor 0     (the receiver's executor: its single-copy blocks are lost)
#   :fault list                (executors, faults)
#   :status                    (the executors, alive or lost, and the batches)
#
# Uses tmux when present (two panes), otherwise prints the two commands to run.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-9999}
cargo build --release --quiet
BIN=target/release/centella
SCRIPT=$(mktemp --suffix=.rhai)
# The example without its planned fault: the teacher types it.
sed -e "s/9999/$PORT/" -e '/ssc.fault(/d' -e '/ssc.awaitTermination/d' \
  examples/fault_sensors_socket.rhai > "$SCRIPT"
SENSORS="$BIN feed --generate sensors --port $PORT"
SHELL_CMD="$BIN --master 'local-cluster[2, 1, 1024]' -i $SCRIPT"
if command -v tmux >/dev/null && [ -t 1 ]; then
  tmux new-session -d -s centella-fault "$SENSORS"
  tmux split-window -h -t centella-fault "$SHELL_CMD; read -p 'press Enter to close'"
  exec tmux attach -t centella-fault
else
  echo "Terminal 1 (the sensors):            $SENSORS"
  echo "Terminal 2 (the shell, 2 executors): $SHELL_CMD"
  echo "Then, in the shell: :fault kill-executor 0, :fault list, :status (:help fault)"
fi
