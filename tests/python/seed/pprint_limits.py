# The seed's pprint_limits.py (shared/oracle/seed) as a full PySpark program: the same build(ssc, sc),
# run the way the oracle's runner runs it (local[2], 1 s batches, a fresh checkpoint directory).
import tempfile

from pyspark import SparkContext
from pyspark.streaming import StreamingContext

# pprint with more records than it shows: 25, 11, 10 and 0 records; pprint() and pprint(3).
BATCHES = [list(range(25)), list(range(100, 111)), list(range(200, 210)), []]


def build(ssc, sc):
    s = ssc.queueStream([sc.parallelize(b, 1) for b in BATCHES])
    s.pprint()
    s.map(lambda x: ('n', x)).pprint(3)


if __name__ == "__main__":
    sc = SparkContext("local[2]", "pprint_limits")
    ssc = StreamingContext(sc, 1)
    ssc.checkpoint(tempfile.mkdtemp())
    build(ssc, sc)
    ssc.start()
    ssc.awaitTermination()
