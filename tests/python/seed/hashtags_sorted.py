# The seed's hashtags_sorted.py (shared/oracle/seed) as a full PySpark program: the same build(ssc, sc),
# run the way the oracle's runner runs it (local[2], 1 s batches, a fresh checkpoint directory).
import tempfile

from pyspark import SparkContext
from pyspark.streaming import StreamingContext

# Seed slide "DStream-transform": hashtag counts per batch, sorted by count (descending) with
# transform + sortByKey.  Fixes vs slide: the slide called .filter on a Python list and wrote
# word.startswith("#) (unterminated string); here a list comprehension does the filtering.
# As in the slide, the '#' is stripped and the pair is flipped to (count, tag).
LINES = [
    ["#MorataDimision ya", "vaya partido #MorataDimision", "erupcion en La Palma #Volcan"],
    ["#MorataDeMiVida gol", "rumbo a #Qatar2022", "nada nuevo"],
    ["#Volcan #Volcan sigue", "#Qatar2022 #MorataDimision", "#Volcan"],
]


def build(ssc, sc):
    input_stream = ssc.queueStream([sc.parallelize(b) for b in LINES])
    tweets_stream = (input_stream
                     .flatMap(lambda line: [w for w in line.split(" ") if w.startswith("#")])
                     .map(lambda hashtag: (hashtag.replace("#", ""), 1)))
    sum_hash_tags = (tweets_stream.reduceByKey(lambda c1, c2: c1 + c2)
                     .transform(lambda rdd: rdd.map(lambda t: (t[1], t[0])).sortByKey(False)))
    sum_hash_tags.pprint()


if __name__ == "__main__":
    sc = SparkContext("local[2]", "hashtags_sorted")
    ssc = StreamingContext(sc, 1)
    ssc.checkpoint(tempfile.mkdtemp())
    build(ssc, sc)
    ssc.start()
    ssc.awaitTermination()
