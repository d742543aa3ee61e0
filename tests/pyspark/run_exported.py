"""Run many programs written by `centella export` in one JVM, one after another.

Usage: python run_exported.py CASES.json

CASES.json:
    {"start_time": "2021-11-14 10:00:54",        # first batch time under the manual clock
     "cases": [{"name": "words", "program": "/abs/words.py", "batches": 8,
                "clock": "manual",                # or "system" (receivers, watched folders)
                "dirs": [],                       # directories to create first, e.g. ["tweets"]
                "batch_timeout": 60},             # optional: seconds a batch may take
               ...]}

One SparkContext (local[2]) serves every case; each case gets its own StreamingContext,
stopped with stopSparkContext=False. The working directory (the JVM's and ours) is shared:
before each case every entry in it except `examples` is removed, so checkpoint directories
and written files do not leak from one case to the next.

"manual": Spark's ManualClock (spark.streaming.clock), advanced one interval at a time
through py4j; the next batch is released once the previous one has completed, so a batch
costs what its jobs cost, not a second. "system": the real clock, N batch intervals, and at
least 3 batches after the receivers started, if any.

Either way, a hidden no-op output operation, registered after the program's own, gives
every batch a job, so a StreamingListener sees every batch complete (Spark posts no
completion for a batch without jobs, e.g. between the slides of a window).

Output on stdout, for each case:
    #### centella-pyspark case NAME
    #### centella-pyspark started NAME       (after ssc.start(); the test feeds live sources now)
    ...what the program prints (pprint blocks)...
    #### centella-pyspark end NAME ok        (or: end NAME error: MESSAGE)
Spark's and the JVM's logs go to stderr (ERROR level only).
"""

import datetime
import json
import os
import re
import runpy
import shutil
import sys
import tempfile
import threading
import time
import traceback
import warnings

MARK = "#### centella-pyspark"
KEEP = {"examples"}  # the repository's examples, linked by the test


def say(line):
    sys.stdout.write("%s %s\n" % (MARK, line))
    sys.stdout.flush()


def describe(e):
    """One line: the exception's first line and, for a Python error raised inside Spark (a
    traceback inside the Java exception's message), the Python error's own line."""
    text = "%s: %s" % (type(e).__name__, e)
    java = getattr(e, "java_exception", None)
    if java is not None:
        try:
            text = str(java.toString())
        except Exception:
            pass
    lines = [l for l in text.splitlines() if l.strip()] or [type(e).__name__]
    python = [l for l in lines[1:] if re.match(r"[A-Za-z_]\w*(Error|Exception): ", l)]
    return "%s %s" % (lines[0], python[-1]) if python else lines[0]


def clean_workdir():
    for entry in os.listdir("."):
        if entry in KEEP:
            continue
        if os.path.isdir(entry) and not os.path.islink(entry):
            shutil.rmtree(entry, ignore_errors=True)
        else:
            os.unlink(entry)


def quiet_log4j():
    """A log4j2 configuration with only ERROR and above, to stderr."""
    fd, path = tempfile.mkstemp(prefix="centella-log4j2-", suffix=".properties")
    with os.fdopen(fd, "w") as f:
        f.write(
            "rootLogger.level = error\n"
            "rootLogger.appenderRef.console.ref = console\n"
            "appender.console.type = Console\n"
            "appender.console.name = console\n"
            "appender.console.target = SYSTEM_ERR\n"
            "appender.console.layout.type = PatternLayout\n"
            "appender.console.layout.pattern = %p %c{1}: %m%n%ex\n"
        )
    return path


class Batches:
    """Batch times completed so far, fed by a StreamingListener (py4j callback thread)."""

    def __init__(self):
        self.cond = threading.Condition()
        self.last_ms = None
        self.count = 0
        self.count_at_receiver_start = None

    def completed(self, ms):
        with self.cond:
            self.last_ms = ms if self.last_ms is None else max(self.last_ms, ms)
            self.count += 1
            self.cond.notify_all()

    def receiver_started(self):
        with self.cond:
            if self.count_at_receiver_start is None:
                self.count_at_receiver_start = self.count
            self.cond.notify_all()

    def wait(self, pred, timeout):
        deadline = time.monotonic() + timeout
        with self.cond:
            while not pred(self):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.cond.wait(left)
            return True


def make_listener(batches):
    from pyspark.streaming.listener import StreamingListener

    class Completed(StreamingListener):
        def onBatchCompleted(self, batchCompleted):
            try:
                batches.completed(batchCompleted.batchInfo().batchTime().milliseconds())
            except Exception:
                traceback.print_exc()

        def onReceiverStarted(self, receiverStarted):
            batches.receiver_started()

    return Completed()


def drive_manual(clock, batches, zero_ms, interval_ms, n, timeout):
    """Releases batches 1..n one at a time; the error, or None."""
    for k in range(1, n + 1):
        t = zero_ms + k * interval_ms
        clock.setTime(t)
        if not batches.wait(lambda b: b.last_ms is not None and b.last_ms >= t, timeout):
            return "batch %d of %d did not complete within %.0f s" % (k, n, timeout)
    return None


def drive_system(batches, zero_ms, interval_ms, n, has_receivers, timeout):
    """Waits for n batches of the real clock, and 3 after the receivers started."""
    last = zero_ms + n * interval_ms
    wait = n * interval_ms / 1000 + timeout
    if not batches.wait(lambda b: b.last_ms is not None and b.last_ms >= last, wait):
        return "%d batches did not complete within %.0f s" % (n, wait)
    # A receiver can take seconds to start on a busy machine.
    def three_after_start(b):
        return b.count_at_receiver_start is not None and b.count >= b.count_at_receiver_start + 3

    if has_receivers and not batches.wait(three_after_start, wait):
        return "the receiver did not start, or 3 batches did not follow"
    return None


def run_case(sc, case, start_ms):
    """Runs one exported program; the error, or None."""
    from pyspark.streaming import StreamingContext

    n = int(case["batches"])
    manual = case.get("clock", "manual") == "manual"
    timeout = float(case.get("batch_timeout", 60))
    prog = runpy.run_path(case["program"], run_name="__centella_case__")
    interval = prog.get("BATCH_INTERVAL", 1)
    interval_ms = int(round(interval * 1000))

    # JobGenerator reads the clock class when the StreamingContext is made.
    clock_class = "ManualClock" if manual else "SystemClock"
    sc._jsc.sc().conf().set("spark.streaming.clock", "org.apache.spark.util." + clock_class)
    ssc = StreamingContext(sc, interval)
    jssc = ssc._jssc.ssc()
    error = None
    try:
        clock = jssc.scheduler().clock()
        if manual:
            # RecurringTimer starts at (floor(now / interval) + 1) * interval.
            clock.setTime(start_ms - interval_ms)
        batches = Batches()
        prog["build"](ssc, sc)
        hidden = ssc.queueStream([], True, sc.parallelize([], 1))
        hidden.foreachRDD(lambda t, rdd: None)
        ssc.addStreamingListener(make_listener(batches))
        ssc.start()
        say("started " + case["name"])
        zero_ms = jssc.graph().zeroTime().milliseconds()
        if manual:
            error = drive_manual(clock, batches, zero_ms, interval_ms, n, timeout)
        else:
            receivers = len(jssc.graph().getReceiverInputStreams()) > 0
            error = drive_system(batches, zero_ms, interval_ms, n, receivers, timeout)
        # A failed job is raised here (Spark keeps the stream going after it).
        ssc.awaitTerminationOrTimeout(0.001)
    except Exception as e:
        traceback.print_exc()
        error = error or describe(e)
    finally:
        try:
            ssc.stop(stopSparkContext=False, stopGraceFully=False)
        except Exception as e:
            error = error or "stop: " + describe(e)
    return error


def main(argv):
    if len(argv) != 1:
        sys.stderr.write("usage: run_exported.py CASES.json\n")
        return 2
    with open(argv[0]) as f:
        spec = json.load(f)
    first = datetime.datetime.strptime(spec["start_time"], "%Y-%m-%d %H:%M:%S")
    start_ms = int(round(first.timestamp() * 1000))

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    warnings.filterwarnings("ignore", message="DStream is deprecated")

    from pyspark import SparkConf, SparkContext

    log4j = quiet_log4j()
    conf = (
        SparkConf()
        .setMaster("local[2]")
        .setAppName("centella-export-check")
        .set("spark.ui.enabled", "false")
        .set("spark.ui.showConsoleProgress", "false")
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1")
        .set(
            "spark.driver.extraJavaOptions",
            "-Dlog4j2.configurationFile=file:%s -XX:TieredStopAtLevel=1 -XX:+UseSerialGC" % log4j,
        )
    )
    sc = SparkContext(conf=conf)
    sc.setLogLevel("ERROR")
    failed = 0
    for case in spec["cases"]:
        name = case["name"]
        say("case " + name)
        clean_workdir()
        for d in case.get("dirs", []):
            os.makedirs(d, exist_ok=True)
        t0 = time.monotonic()
        try:
            error = run_case(sc, case, start_ms)
        except Exception as e:
            traceback.print_exc()
            error = describe(e)
        sys.stdout.flush()
        if error:
            failed += 1
            say("end %s error: %s" % (name, error))
        else:
            say("end %s ok" % name)
        sys.stderr.write("%s: %.1f s\n" % (name, time.monotonic() - t0))
    clean_workdir()
    os.unlink(log4j)
    sys.stdout.flush()
    sys.stderr.flush()
    # Skip interpreter teardown: py4j callback threads can delay a normal exit; the JVM
    # (our child) ends when its stdin, the gateway pipe, closes.
    try:
        sc.stop()
    finally:
        os._exit(1 if failed else 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
