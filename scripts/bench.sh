#!/usr/bin/env bash
# Benchmarks, as recorded in BENCHMARKS.md:
#   1. start-up time of `centella --clock fast --batches 1` on a trivial script (hyperfine,
#      or a plain loop of 20 runs when hyperfine is missing and cannot be installed);
#   2. max RSS (/usr/bin/time -v) of the CLI on that trivial script, on examples/words.rhai
#      and on the benchmark's whole word count (200k lines) as a CLI script;
#   3. `cargo bench --bench wordcount`: lines/s of the seed's word count on local[1] and
#      local[2] beside a native Rust word count over the same lines.
#
# Usage: scripts/bench.sh [--no-throughput]
# The word count's size can be changed with CENTELLA_BENCH_BATCHES / _LINES / _WORDS /
# _VOCAB / _RUNS (see tests/bench/wordcount.rs). On a shared 2-core machine other work skews
# the figures: before timing, the script waits (up to BENCH_WAIT_IDLE seconds, default 300,
# 0 to skip) for the CPUs to be under 10% busy for 3 seconds in a row.
set -euo pipefail
cd "$(dirname "$0")/.."

run_throughput=1
for arg in "$@"; do
  case "$arg" in
    --no-throughput) run_throughput=0 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "unknown argument: $arg" >&2; exit 2 ;;
  esac
done

if ! command -v cargo >/dev/null; then
  echo "cargo not found: install Rust from https://rustup.rs" >&2
  exit 1
fi

section() { printf '\n== %s ==\n' "$*"; }

# Installs a Debian package only when its command is missing; never fatal.
ensure_tool() {
  local cmd="$1" pkg="$2"
  command -v "$cmd" >/dev/null 2>&1 && return 0
  [ -x "$cmd" ] && return 0
  command -v apt-get >/dev/null 2>&1 || return 1
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || return 1
    sudo="sudo -n"
  fi
  echo "installing $pkg (for $cmd)..." >&2
  { $sudo apt-get update -qq && $sudo apt-get install -y -qq "$pkg"; } >/dev/null 2>&1 || return 1
  command -v "$cmd" >/dev/null 2>&1 || [ -x "$cmd" ]
}

# Percentage of CPU time busy over the next second, from /proc/stat.
cpu_busy() {
  local a b
  read -r -a a < <(grep '^cpu ' /proc/stat)
  sleep 1
  read -r -a b < <(grep '^cpu ' /proc/stat)
  local total=0 idle i
  for i in 1 2 3 4 5 6 7 8; do total=$(( total + b[i] - a[i] )); done
  idle=$(( b[4] - a[4] + b[5] - a[5] ))
  echo $(( total > 0 ? 100 * (total - idle) / total : 0 ))
}

wait_idle() {
  local limit="${BENCH_WAIT_IDLE:-300}" waited=0 quiet=0 busy
  [ "$limit" -gt 0 ] 2>/dev/null || return 0
  [ -r /proc/stat ] || return 0
  while [ "$quiet" -lt 3 ]; do
    busy=$(cpu_busy); waited=$(( waited + 1 ))
    if [ "$busy" -lt 10 ]; then quiet=$(( quiet + 1 )); else quiet=0; fi
    if [ "$waited" -ge "$limit" ]; then
      echo "(the machine is still busy (${busy}% CPU) after ${limit}s: measuring anyway)"
      return 0
    fi
  done
  [ "$waited" -gt 3 ] && echo "(waited ${waited}s for the CPUs to be idle)"
  return 0
}

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

section "machine"
echo "commit:   $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- src Cargo.toml 2>/dev/null || echo ' (+ uncommitted changes in src/ or Cargo.toml)')"
echo "date:     $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "cpu:      $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//') x $(nproc)"
echo "memory:   $(awk '/MemTotal/ {printf "%.1f GB", $2 / 1048576}' /proc/meminfo 2>/dev/null)"
echo "rustc:    $(rustc --version)"
echo "load avg: $(cut -d' ' -f1-3 /proc/loadavg) (before the runs)"

section "build (cargo build --release)"
cargo build --release --locked
bin="target/release/centella"
[ -x "$bin" ] || { echo "$bin was not built" >&2; exit 1; }
echo "binary: $bin ($(du -k "$bin" | cut -f1) KB)"

# The trivial script of the start-up target.
startup="$tmp/startup.rhai"
cat >"$startup" <<'EOF'
ssc.queueStream([[1]]).pprint();
ssc.start();
ssc.awaitTermination();
EOF
startup_cmd=("$bin" --clock fast --batches 1 "$startup")
"${startup_cmd[@]}" >/dev/null

section "start-up: centella --clock fast --batches 1 <trivial script>"
wait_idle
if ensure_tool hyperfine hyperfine; then
  hyperfine --warmup 5 --runs 100 -N --export-csv "$tmp/startup.csv" \
    "${startup_cmd[*]}" --command-name "centella --clock fast --batches 1 startup.rhai" >&2 || true
  if [ -s "$tmp/startup.csv" ]; then
    # command,mean,stddev,median,user,system,min,max (seconds)
    awk -F, 'NR == 2 { printf "start-up (hyperfine, 100 runs): mean %.1f ms ± %.1f, median %.1f ms, min %.1f ms, max %.1f ms\n", $2*1000, $3*1000, $4*1000, $7*1000, $8*1000 }' "$tmp/startup.csv"
  fi
else
  echo "(hyperfine not available: plain loop of 20 runs)"
  for _ in $(seq 20); do
    t0=$(date +%s%N)
    "${startup_cmd[@]}" >/dev/null
    t1=$(date +%s%N)
    echo $(( (t1 - t0) / 1000 ))
  done | sort -n | awk '{ v[NR] = $1; s += $1 } END {
    printf "start-up (date loop, 20 runs): mean %.1f ms, median %.1f ms, min %.1f ms, max %.1f ms\n",
      s / NR / 1000, (v[int((NR + 1) / 2)] + v[int(NR / 2) + 1]) / 2000, v[1] / 1000, v[NR] / 1000 }'
fi

section "peak memory (max RSS, /usr/bin/time -v)"
max_rss() { # label, then the command
  local label="$1"; shift
  if /usr/bin/time -v "$@" >/dev/null 2>"$tmp/time.txt"; then
    awk -v l="$label" '
      /Maximum resident set size/ { rss = $NF / 1024 }
      /Elapsed \(wall clock\)/ { wall = $NF }
      END { printf "%-50s max RSS %6.1f MB  (wall %s)\n", l ":", rss, wall }' "$tmp/time.txt"
  else
    echo "$label: failed"; cat "$tmp/time.txt" >&2
  fi
}
if ensure_tool /usr/bin/time time; then
  max_rss "trivial script (--batches 1)" "${startup_cmd[@]}"
  if [ -f examples/words.rhai ]; then
    max_rss "examples/words.rhai (--batches 3)" "$bin" --clock fast --batches 3 examples/words.rhai
  fi
  # The benchmark's own workload as a CLI script: 20 x 10k lines built in Rhai, then counted.
  if cargo bench --bench wordcount --locked -q -- --emit-script "$tmp/wordcount.rhai" 2>/dev/null; then
    max_rss "word count, 200k lines built in Rhai (local[2])" \
      "$bin" --clock fast --batches "${CENTELLA_BENCH_BATCHES:-20}" "$tmp/wordcount.rhai"
    max_rss "word count, 200k lines built in Rhai (local[1])" \
      "$bin" --master 'local[1]' --clock fast --batches "${CENTELLA_BENCH_BATCHES:-20}" "$tmp/wordcount.rhai"
  fi
else
  echo "(/usr/bin/time not available: max RSS skipped)"
fi

if [ "$run_throughput" = 1 ]; then
  section "throughput (cargo bench --bench wordcount)"
  cargo bench --bench wordcount --locked --no-run -q 2>/dev/null || true
  wait_idle
  cargo bench --bench wordcount --locked
fi

echo
echo "load avg: $(cut -d' ' -f1-3 /proc/loadavg) (after the runs)"
