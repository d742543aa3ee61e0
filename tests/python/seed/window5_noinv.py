# The seed's window5_noinv.py (shared/oracle/seed) as a full PySpark program: the same build(ssc, sc),
# run the way the oracle's runner runs it (local[2], 1 s batches, a fresh checkpoint directory).
import tempfile

from pyspark import SparkContext
from pyspark.streaming import StreamingContext

# window5 without invFunc, for comparison with window5_inv.
BATCHES = [
    [('Web', 1), ('Web', 3), ('Store', 2), ('social_media', 1), ('Store', 2)],
    [('Store', 1), ('Web', 3), ('Store', 2), ('Web', 2), ('social_media', 3)],
    [('Web', 2), ('Store', 1), ('social_media', 1)],
]


def build(ssc, sc):
    stream = ssc.queueStream([sc.parallelize(b) for b in BATCHES])
    stream.reduceByKeyAndWindow(lambda x, y: x + y, None, 5, 1).pprint()


if __name__ == "__main__":
    sc = SparkContext("local[2]", "window5_noinv")
    ssc = StreamingContext(sc, 1)
    ssc.checkpoint(tempfile.mkdtemp())
    build(ssc, sc)
    ssc.start()
    ssc.awaitTermination()
