# The seed's window3_inv_filter.py (shared/oracle/seed) as a full PySpark program: the same build(ssc, sc),
# run the way the oracle's runner runs it (local[2], 1 s batches, a fresh checkpoint directory).
import tempfile

from pyspark import SparkContext
from pyspark.streaming import StreamingContext

# window3_inv plus filterFunc: drop keys whose windowed count fell to 0.
BATCHES = [
    [('Web', 1), ('Web', 3), ('Store', 2), ('social_media', 1), ('Store', 2)],
    [('Store', 1), ('Web', 3), ('Store', 2), ('Web', 2), ('social_media', 3)],
    [('Web', 2), ('Store', 1), ('social_media', 1)],
]


def build(ssc, sc):
    stream = ssc.queueStream([sc.parallelize(b) for b in BATCHES])
    stream.reduceByKeyAndWindow(lambda x, y: x + y, lambda x, y: x - y, 3, 1,
                                filterFunc=lambda kv: kv[1] != 0).pprint()


if __name__ == "__main__":
    sc = SparkContext("local[2]", "window3_inv_filter")
    ssc = StreamingContext(sc, 1)
    ssc.checkpoint(tempfile.mkdtemp())
    build(ssc, sc)
    ssc.start()
    ssc.awaitTermination()
