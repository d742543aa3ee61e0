# The seed's visits_queue.py (shared/oracle/seed) as a full PySpark program: the same build(ssc, sc),
# run the way the oracle's runner runs it (local[2], 1 s batches, a fresh checkpoint directory).
import tempfile

from pyspark import SparkContext
from pyspark.streaming import StreamingContext

# Seed slide "Desde una cola": queueStream of (date, channel, visits) triples, four batches,
# summed per (date, channel).  The slide only creates the stream (and misspells it
# dateVistis); the map/reduceByKey/pprint part is added.
BATCHES = [
    [(20190101, 'Web', 1), (20190102, 'Web', 3), (20190102, 'Store', 2)],
    [(20190101, 'Store', 1), (20190102, 'Store', 3), (20190102, 'Instagram', 2),
     (20190202, 'Web', 2), (20190103, 'Web', 7)],
    [(20190202, 'Store', 2), (20190103, 'Store', 8)],
    [(20190402, 'Store', 2), (20190403, 'Store', 8)],
]


def build(ssc, sc):
    date_visits = ssc.queueStream(BATCHES)      # plain lists: PySpark parallelizes them
    (date_visits.map(lambda t: ((t[0], t[1]), t[2]))
     .reduceByKey(lambda a, b: a + b)
     .pprint())


if __name__ == "__main__":
    sc = SparkContext("local[2]", "visits_queue")
    ssc = StreamingContext(sc, 1)
    ssc.checkpoint(tempfile.mkdtemp())
    build(ssc, sc)
    ssc.start()
    ssc.awaitTermination()
