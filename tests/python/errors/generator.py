from pyspark import SparkContext
from pyspark.streaming import StreamingContext


def words(line):
    for w in line.split():
        yield w


sc = SparkContext("local[2]", "app")
ssc = StreamingContext(sc, 1)
ssc.queueStream([["a b"]]).flatMap(words).pprint()
ssc.start()
ssc.awaitTermination()
