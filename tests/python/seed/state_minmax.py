# The seed's state_minmax.py (shared/oracle/seed) as a full PySpark program: the same build(ssc, sc),
# run the way the oracle's runner runs it (local[2], 1 s batches, a fresh checkpoint directory).
import tempfile

from pyspark import SparkContext
from pyspark.streaming import StreamingContext

# Seed slide: updateStateByKey keeping, per city, (latest date, max temperature, min temperature).
# Each record is (date, low, high).  Sane version of the slide's store_min_max_temperatures:
#  - the slide mixed new_values/newValues, shadowed the builtins max/min with locals and read
#    last_time_stored before assigning it; it also took max over field[1] (the lows) and min
#    over field[2] (the highs).  Here: max over the highs, min over the lows.
#  - a batch without new values for a key keeps the old state (the slide's code would crash
#    on max([]) in the empty batches after the queue runs dry).
#  - the slide's "drop the key if the date jumped by >= 200" rule is left out (it never fires
#    on this data); see state_expire.py for a key being removed by returning None.
# The slide printed ('Madrid', (20210831,10,35)), i.e. (date, min, max) order; we follow the
# brief's (date, max, min) order: ('Madrid', (20210831, 35, 10)).
BATCHES = [
    [('Madrid', [(20210801, 10, 35), (20210831, 20, 25)]),
     ('Moscow', [(20210801, -1, 24), (20210831, 20, 30)])],
    [('Madrid', [(20210930, 10, 20), (20211001, 10, 15)]),
     ('Moscow', [(20210901, 20, 26), (20210930, -1, 15)])],
    [('Madrid', [(20211102, 5, 15), (20211130, 7, 20)]),
     ('Moscow', [(20211001, -1, 16), (20211030, -10, 10)])],
]


def store_min_max_temperatures(new_values, old_state):
    # new_values: list of values seen for the key in this batch; each value is a list of
    # (date, low, high) readings.  old_state: (date, max, min) or None.
    readings = [r for v in new_values for r in v]
    if not readings:
        return old_state
    last_time = max(r[0] for r in readings)
    hi = max(r[2] for r in readings)
    lo = min(r[1] for r in readings)
    if old_state is not None:
        last_time = max(last_time, old_state[0])
        hi = max(hi, old_state[1])
        lo = min(lo, old_state[2])
    return (last_time, hi, lo)


def build(ssc, sc):
    temperatures = ssc.queueStream([sc.parallelize(b) for b in BATCHES])
    temperatures.updateStateByKey(store_min_max_temperatures).pprint()


if __name__ == "__main__":
    sc = SparkContext("local[2]", "state_minmax")
    ssc = StreamingContext(sc, 1)
    ssc.checkpoint(tempfile.mkdtemp())
    build(ssc, sc)
    ssc.start()
    ssc.awaitTermination()
