# The seed's window3_slide2.py (shared/oracle/seed) as a full PySpark program: the same build(ssc, sc),
# run the way the oracle's runner runs it (local[2], 1 s batches, a fresh checkpoint directory).
import tempfile

from pyspark import SparkContext
from pyspark.streaming import StreamingContext

# Seed slide: reduceByKeyAndWindow with window 3 s and slide 2 s (batch interval 1 s).
# Fix vs slide: PySpark's signature is reduceByKeyAndWindow(func, invFunc, windowDuration,
# slideDuration), so the slide's (f, 3, 2) becomes (f, None, 3, 2).
BATCHES = [
    [('Web', 1), ('Web', 3), ('Store', 2), ('social_media', 1), ('Store', 2)],
    [('Store', 1), ('Web', 3), ('Store', 2), ('Web', 2), ('social_media', 3)],
    [('Web', 2), ('Store', 1), ('social_media', 1)],
]


def build(ssc, sc):
    stream = ssc.queueStream([sc.parallelize(b) for b in BATCHES])
    stream.reduceByKeyAndWindow(lambda x, y: x + y, None, 3, 2).pprint()


if __name__ == "__main__":
    sc = SparkContext("local[2]", "window3_slide2")
    ssc = StreamingContext(sc, 1)
    ssc.checkpoint(tempfile.mkdtemp())
    build(ssc, sc)
    ssc.start()
    ssc.awaitTermination()
