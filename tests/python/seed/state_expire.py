# The seed's state_expire.py (shared/oracle/seed) as a full PySpark program: the same build(ssc, sc),
# run the way the oracle's runner runs it (local[2], 1 s batches, a fresh checkpoint directory).
import tempfile

from pyspark import SparkContext
from pyspark.streaming import StreamingContext

# updateStateByKey where the update returns None to delete a key: a running count per key
# that is dropped as soon as a batch brings no new values for it.
BATCHES = [
    [('a', 1), ('b', 1), ('a', 1)],
    [('a', 1)],
    [('a', 1), ('c', 5)],
]


def update(new_values, state):
    if not new_values:
        return None          # key removed from the state
    return (state or 0) + sum(new_values)


def build(ssc, sc):
    ssc.queueStream([sc.parallelize(b) for b in BATCHES]).updateStateByKey(update).pprint()


if __name__ == "__main__":
    sc = SparkContext("local[2]", "state_expire")
    ssc = StreamingContext(sc, 1)
    ssc.checkpoint(tempfile.mkdtemp())
    build(ssc, sc)
    ssc.start()
    ssc.awaitTermination()
