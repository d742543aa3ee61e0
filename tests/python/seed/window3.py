# The seed's window3.py (shared/oracle/seed) as a full PySpark program: the same build(ssc, sc),
# run the way the oracle's runner runs it (local[2], 1 s batches, a fresh checkpoint directory).
import tempfile

from pyspark import SparkContext
from pyspark.streaming import StreamingContext

# Seed slide: reduceByKeyAndWindow over a queueStream, window 3 s, slide 1 s (batch interval 1 s).
# Fix vs slide: PySpark's signature is reduceByKeyAndWindow(func, invFunc, windowDuration, slideDuration),
# so invFunc=None is passed explicitly.
BATCHES = [
    [('Web', 1), ('Web', 3), ('Store', 2), ('social_media', 1), ('Store', 2)],
    [('Store', 1), ('Web', 3), ('Store', 2), ('Web', 2), ('social_media', 3)],
    [('Web', 2), ('Store', 1), ('social_media', 1)],
]


def build(ssc, sc):
    rdds = [sc.parallelize(b) for b in BATCHES]
    stream = ssc.queueStream(rdds)
    stream.reduceByKeyAndWindow(lambda x, y: x + y, None, 3, 1).pprint()


if __name__ == "__main__":
    sc = SparkContext("local[2]", "window3")
    ssc = StreamingContext(sc, 1)
    ssc.checkpoint(tempfile.mkdtemp())
    build(ssc, sc)
    ssc.start()
    ssc.awaitTermination()
