#!/usr/bin/env bash
# reduceByKeyAndWindow's cost per batch as the window grows (BENCHMARKS.md, "Windows"):
# the seed's word count over a window of W batches, slide 1, once with the inverse function
# (`|a, b| a - b`: Spark's incremental window, which adds the new batch and subtracts the one
# that left) and once without (the window's batches reduced again every time).
#
# Each run uses the manual clock: `ssc.tick(W)` fills the window, then `ssc.tick(MEASURED)`
# is timed (wall clock, in the script), so the figure is the steady-state cost of a batch.
# The inverse form needs a checkpoint directory; its data checkpoint (every 10 s by Spark's
# rule) writes the batches the window still holds, a cost that grows with W, so it is also
# run with `.checkpoint(10000)` on the windowed stream: the computation alone.
# Every batch holds LINES lines of 10 words from a 1,000-word vocabulary.
#
# Usage: scripts/bench-window.sh [WINDOWS [LINES [MEASURED]]]
#   WINDOWS (default "10 100 1000"), LINES per batch (default 500), MEASURED batches (default 20).
#   Without the inverse, filling a window of W batches costs W^2/2 batch reductions: windows
#   above NO_INVERSE_UP_TO (default 100) skip that run.
set -euo pipefail
cd "$(dirname "$0")/.."

windows="${1:-10 100 1000}"
lines="${2:-500}"
measured="${3:-20}"
no_inverse_up_to="${NO_INVERSE_UP_TO:-100}"

bin="${CENTELLA_BIN:-target/release/centella}"
if [ -z "${CENTELLA_BIN:-}" ]; then
  cargo build --release --locked -q
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

printf "| window (batches) | inverse, checkpoint every 10 s: ms/batch | inverse, computation only: ms/batch | without inverse: ms/batch | peak RSS (same order) |\n"
printf "|-----------------:|-----:|-----:|-----:|------|\n"
for w in $windows; do
  row="| $w"
  rss=""
  for inv in yes compute no; do
    if [ "$inv" = no ] && [ "$w" -gt "$no_inverse_up_to" ]; then
      row="$row | (skipped)"
      rss="$rss / -"
      continue
    fi
    case "$inv" in
      yes) op="reduceByKeyAndWindow(|a, b| a + b, |a, b| a - b, $w, 1)" ;;
      compute) op="reduceByKeyAndWindow(|a, b| a + b, |a, b| a - b, $w, 1).checkpoint(10000)" ;;
      no) op="reduceByKeyAndWindow(|a, b| a + b, (), $w, 1)" ;;
    esac
    cat >"$tmp/window.rhai" <<EOF2
let syl = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "pe", "da"];
let vocab = [];
for i in 0..1000 { vocab.push(syl[i % 10] + syl[(i / 10) % 10] + syl[i / 100]); }
let batch = [];
let seed = 20211114;
for i in 0..$lines {
    let line = [];
    for j in 0..10 { seed = (seed * 1103515245 + 12345) % 2147483648; line.push(vocab[seed % 1000]); }
    batch.push(line);
}
let ssc = StreamingContext(sc, 1);
ssc.checkpoint("$tmp/ck-$w-$inv");
let queue = [];
for b in 0..($w + $measured + 1) { queue.push(sc.parallelize(batch, 2)); }
let counts = ssc.queueStream(queue)
    .flatMap(|words| words)
    .map(|w| [w, 1])
    .$op;
counts.foreachRDD(|rdd| { let n = rdd.count(); });
ssc.start();
ssc.tick($w);
let t = timestamp();
ssc.tick($measured);
print(\`MS \${t.elapsed * 1000.0 / $measured}\`);
ssc.stop();
EOF2
    /usr/bin/time -v "$bin" --clock manual "$tmp/window.rhai" >"$tmp/out.txt" 2>"$tmp/time.txt" || {
      echo "centella failed:" >&2; tail -n 20 "$tmp/out.txt" "$tmp/time.txt" >&2; exit 1; }
    ms="$(awk '/^MS / { printf "%.1f", $2 }' "$tmp/out.txt")"
    kb="$(awk '/Maximum resident set size/ { print $NF }' "$tmp/time.txt")"
    row="$row | $ms"
    rss="${rss:+$rss / }$((kb / 1024)) MB"
  done
  echo "$row | $rss |"
done
