# The seed's window5_inv.py (shared/oracle/seed) as a full PySpark program: the same build(ssc, sc),
# run the way the oracle's runner runs it (local[2], 1 s batches, a fresh checkpoint directory).
import tempfile

from pyspark import SparkContext
from pyspark.streaming import StreamingContext

# Incremental window: window 5 s, slide 1 s, with invFunc.  PySpark only takes the
# incremental (invFunc) path when windowDuration >= 5 * slideDuration (and the previous
# window's RDD exists); then keys whose count drops to 0 stay in the output as ('k', 0).
# Compare window3_inv (3 < 5*1: plain reduce over the window, zero keys vanish).
BATCHES = [
    [('Web', 1), ('Web', 3), ('Store', 2), ('social_media', 1), ('Store', 2)],
    [('Store', 1), ('Web', 3), ('Store', 2), ('Web', 2), ('social_media', 3)],
    [('Web', 2), ('Store', 1), ('social_media', 1)],
]


def build(ssc, sc):
    stream = ssc.queueStream([sc.parallelize(b) for b in BATCHES])
    stream.reduceByKeyAndWindow(lambda x, y: x + y, lambda x, y: x - y, 5, 1).pprint()


if __name__ == "__main__":
    sc = SparkContext("local[2]", "window5_inv")
    ssc = StreamingContext(sc, 1)
    ssc.checkpoint(tempfile.mkdtemp())
    build(ssc, sc)
    ssc.start()
    ssc.awaitTermination()
