#!/usr/bin/env bash
# The fault lab's class demos, in tmux when present (else it prints the commands to run).
#
#   scripts/demo-fault.sh          simulated sensors on a socket (`centella feed --generate
#                                  sensors`), the shell on two simulated executors, the
#                                  readings grouped by room. In the shell:
#                                    :fault kill-executor 0   (the receiver's executor: its
#                                                              single-copy blocks are lost)
#   scripts/demo-fault.sh kafka    the same sensors through Kafka (a Tansu broker on
#                                  127.0.0.1:$KAFKA_PORT, topic `sensors` of 2 partitions):
#                                    :fault kill-executor 1   (read again from Kafka: the same)
#                                    :fault kafka-offline sensors 1, later
#                                    :fault kafka-online sensors 1   (nothing lost)
#
# In both: :fault list (executors, faults), :status (executors, batches, failed tasks), and
# the web UI with --ui-port. The broker is Tansu from ~/.cache/centella-tools/bin (which
# scripts/test.sh installs) or the PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=${1:-socket}
PORT=${PORT:-9999}
KAFKA_PORT=${KAFKA_PORT:-9092}
cargo build --release --quiet
BIN=target/release/centella
SCRIPT=$(mktemp --suffix=.rhai)
case "$MODE" in
  socket)
    # The example without its planned fault: the teacher types it.
    sed -e "s/9999/$PORT/" -e '/ssc.fault(/d' -e '/ssc.awaitTermination/d' \
      examples/fault_sensors_socket.rhai > "$SCRIPT"
    PANES=("$BIN feed --generate sensors --port $PORT")
    HINT=":fault kill-executor 0, :fault list, :status (:help fault)"
    ;;
  kafka)
    TANSU=$HOME/.cache/centella-tools/bin/tansu
    [ -x "$TANSU" ] || TANSU=$(command -v tansu || true)
    if [ -z "$TANSU" ]; then
      echo "demo-fault.sh kafka needs a Kafka broker: scripts/test.sh installs Tansu into ~/.cache/centella-tools/bin" >&2
      exit 1
    fi
    DATA=$(mktemp -d)
    sed -e "s/localhost:9092/127.0.0.1:$KAFKA_PORT/" -e '/ssc.fault(/d' -e '/ssc.awaitTermination/d' \
      examples/fault_sensors_kafka.rhai > "$SCRIPT"
    URL=tcp://127.0.0.1:$KAFKA_PORT
    PANES=("cd $DATA && $TANSU broker --listener-url $URL --advertised-listener-url $URL --storage-engine sqlite://tansu.db"
           "sleep 2; $BIN feed --kafka 127.0.0.1:$KAFKA_PORT --topic sensors --partitions 2 --generate sensors")
    HINT=":fault kill-executor 1, :fault kafka-offline sensors 1, :fault kafka-online sensors 1, :fault list, :status"
    ;;
  *)
    echo "usage: scripts/demo-fault.sh [socket|kafka]" >&2
    exit 2
    ;;
esac
SHELL_CMD="$BIN --master 'local-cluster[2, 1, 1024]' -i $SCRIPT"
[ "$MODE" = kafka ] && SHELL_CMD="sleep 4; $SHELL_CMD"
if command -v tmux >/dev/null && [ -t 1 ]; then
  tmux new-session -d -s "centella-fault-$MODE" "${PANES[0]}"
  for pane in "${PANES[@]:1}"; do
    tmux split-window -v -t "centella-fault-$MODE" "$pane"
  done
  tmux split-window -h -t "centella-fault-$MODE" "$SHELL_CMD; read -p 'press Enter to close'"
  exec tmux attach -t "centella-fault-$MODE"
else
  i=1
  for pane in "${PANES[@]}"; do
    echo "Terminal $i: $pane"
    i=$((i + 1))
  done
  echo "Terminal $i (the shell, 2 executors): $SHELL_CMD"
  echo "Then, in the shell: $HINT"
fi
