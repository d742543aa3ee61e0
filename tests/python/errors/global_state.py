from pyspark import SparkContext
from pyspark.streaming import StreamingContext

total = 0


def add_up(rdd):
    global total
    total += rdd.count()


sc = SparkContext("local[2]", "app")
ssc = StreamingContext(sc, 1)
ssc.queueStream([[1, 2]]).foreachRDD(add_up)
