#!/usr/bin/env bash
# The two-terminal class demo: netcat (or centella feed) on one side, a word count on the
# other. Uses tmux when present (two panes), otherwise prints the two commands to run.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-9999}
cargo build --release --quiet
BIN=target/release/centella
SCRIPT=$(mktemp --suffix=.rhai)
sed "s/9999/$PORT/" examples/socket_wordcount.rhai > "$SCRIPT"
if command -v nc >/dev/null; then
  SERVER="nc -lk 127.0.0.1 $PORT"
else
  SERVER="$BIN feed --interactive --port $PORT"
fi
if command -v tmux >/dev/null && [ -t 1 ]; then
  tmux new-session -d -s centella-demo "$SERVER"
  tmux split-window -h -t centella-demo "$BIN $SCRIPT; read -p 'press Enter to close'"
  tmux select-pane -t centella-demo:0.0
  exec tmux attach -t centella-demo
else
  echo "Terminal 1 (type words here):   $SERVER"
  echo "Terminal 2 (counts every second): $BIN $SCRIPT"
fi
