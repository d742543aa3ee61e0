# The seed's queue_modes.py (shared/oracle/seed) as a full PySpark program: the same build(ssc, sc),
# run the way the oracle's runner runs it (local[2], 1 s batches, a fresh checkpoint directory).
import tempfile

from pyspark import SparkContext
from pyspark.streaming import StreamingContext

# queueStream variants: oneAtATime=False (all queued RDDs in the first batch) and a
# default RDD (used for every batch once the queue is empty), plus the count per batch.
BATCHES = [['a', 'b'], ['c'], ['d', 'e', 'f']]


def build(ssc, sc):
    all_at_once = ssc.queueStream([sc.parallelize(b, 1) for b in BATCHES], oneAtATime=False)
    all_at_once.map(lambda x: ('allAtOnce', x)).pprint()
    with_default = ssc.queueStream([sc.parallelize(b, 1) for b in BATCHES],
                                   default=sc.parallelize(['DEFAULT'], 1))
    with_default.map(lambda x: ('withDefault', x)).pprint()
    one = ssc.queueStream([sc.parallelize(b, 1) for b in BATCHES])
    one.count().pprint()


if __name__ == "__main__":
    sc = SparkContext("local[2]", "queue_modes")
    ssc = StreamingContext(sc, 1)
    ssc.checkpoint(tempfile.mkdtemp())
    build(ssc, sc)
    ssc.start()
    ssc.awaitTermination()
