from pyspark import SparkContext
from pyspark.streaming import StreamingContext


class Counter:
    def __init__(self):
        self.n = 0


sc = SparkContext("local[2]", "app")
ssc = StreamingContext(sc, 1)
