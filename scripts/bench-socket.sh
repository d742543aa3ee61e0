#!/usr/bin/env bash
# Socket word count under a fixed offered rate (BENCHMARKS.md, "Socket word count"):
# a loopback line server (a small Python generator: 10 words a line from a 1,000-word
# vocabulary, sent every 10 ms at the offered rate) feeds `socketTextStream` with 1 s batches
# and the seed's word count (flatMap split, map to pairs, reduceByKey add, count per batch).
# A StreamingListener prints each batch's records, processing and scheduling delay.
#
# Reports: offered rate, rate actually sent, median records per batch, median processing
# time, capacity (median processing time / batch interval: under 1 keeps up), the largest
# scheduling delay, and the CLI's peak RSS (/usr/bin/time -v).
#
# Usage: scripts/bench-socket.sh [RATE [SECONDS [MASTER]]]
#   RATE lines/s offered (default 250000), SECONDS of streaming (default 20),
#   MASTER (default local[2]). The first 3 batches are warm-up and not counted.
set -euo pipefail
cd "$(dirname "$0")/.."

rate="${1:-250000}"
secs="${2:-20}"
master="${3:-local[2]}"
warmup=3

for tool in python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "$tool is needed" >&2; exit 1; }
done

bin="${CENTELLA_BIN:-target/release/centella}"
if [ -z "${CENTELLA_BIN:-}" ]; then
  cargo build --release --locked -q
fi

tmp="$(mktemp -d)"
gen_pid=""
cleanup() {
  [ -n "$gen_pid" ] && kill "$gen_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

cat >"$tmp/gen.py" <<'PY'
import random, socket, sys, time

rate, port_file, report = float(sys.argv[1]), sys.argv[2], sys.argv[3]
syl = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "pe", "da"]
rnd = random.Random(20211114)
vocab = ["".join(rnd.choice(syl) for _ in range(rnd.randint(1, 3))) for _ in range(1000)]
lines = [" ".join(rnd.choice(vocab) for _ in range(10)) for _ in range(20000)]
blob = ("\n".join(lines) + "\n").encode()
ends, at = [], 0
for l in lines:
    at += len(l) + 1
    ends.append(at)

srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(1)
with open(port_file, "w") as f:
    f.write(str(srv.getsockname()[1]))
conn, _ = srv.accept()
start, sent, pos = time.monotonic(), 0, 0
try:
    while True:
        due = int(rate * (time.monotonic() - start)) - sent
        while due > 0:
            n = min(due, len(lines) - pos)
            lo = ends[pos - 1] if pos else 0
            conn.sendall(memoryview(blob)[lo:ends[pos + n - 1]])
            sent, due, pos = sent + n, due - n, (pos + n) % len(lines)
        with open(report, "w") as f:
            f.write("%d %.3f\n" % (sent, time.monotonic() - start))
        time.sleep(0.01)
except (BrokenPipeError, ConnectionResetError):
    pass
PY

python3 "$tmp/gen.py" "$rate" "$tmp/port" "$tmp/sent" &
gen_pid=$!
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
port="$(cat "$tmp/port")"

cat >"$tmp/wordcount.rhai" <<EOF2
ssc = StreamingContext(sc, 1);
ssc.addStreamingListener(#{ onBatchCompleted: |info|
    print(\`BENCH \${info.numRecords} \${info.processingDelay} \${info.schedulingDelay}\`) });
let counts = ssc.socketTextStream("127.0.0.1", $port)
    .flatMap(|line| line.split(" "))
    .map(|w| [w, 1])
    .reduceByKey(|a, b| a + b);
counts.foreachRDD(|rdd| { let n = rdd.count(); });
ssc.start();
ssc.awaitTerminationOrTimeout($secs);
ssc.stop();
EOF2

# The CLI's own errors go to stderr, which /usr/bin/time's report shares: shown on failure.
/usr/bin/time -v "$bin" --master "$master" "$tmp/wordcount.rhai" >"$tmp/out.txt" 2>"$tmp/time.txt" || {
  echo "centella failed:" >&2
  grep -v '^BENCH ' "$tmp/out.txt" | tail -n 20 >&2
  grep -v $'^\t' "$tmp/time.txt" | tail -n 20 >&2
  grep -E 'Exit status|Maximum resident' "$tmp/time.txt" >&2
  exit 1; }

read -r sent sent_secs <"$tmp/sent" || { sent=0; sent_secs=1; }
rss_kb="$(awk '/Maximum resident set size/ { print $NF }' "$tmp/time.txt")"
grep '^BENCH ' "$tmp/out.txt" | tail -n +$((warmup + 1)) | awk \
  -v rate="$rate" -v sent="$sent" -v sent_secs="$sent_secs" -v rss="$rss_kb" -v master="$master" '
  { rec[NR] = $2; proc[NR] = $3; if ($4 > maxsched) maxsched = $4 }
  function median(a, n,   i, j, t) {
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  END {
    if (NR == 0) { print "no batch completed after the warm-up"; exit 1 }
    mp = median(proc, NR); mr = median(rec, NR)
    printf "master %s, offered %d lines/s, sent %.0f lines/s\n", master, rate, sent / sent_secs
    printf "batches counted: %d (after %d warm-up)\n", NR, '"$warmup"'
    printf "median records per batch: %d\n", mr
    printf "median processing time: %d ms (%.0f lines/s processed)\n", mp, (mp > 0 ? mr * 1000 / mp : 0)
    printf "capacity (processing / 1 s batch): %.2f%s\n", mp / 1000, (mp > 1000 ? "  (falling behind)" : "")
    printf "max scheduling delay: %d ms\n", maxsched
    printf "peak RSS: %.1f MB\n", rss / 1024
  }'
