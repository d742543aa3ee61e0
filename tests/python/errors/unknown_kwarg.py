from pyspark import SparkContext
from pyspark.streaming import StreamingContext

sc = SparkContext("local[2]", "app")
ssc = StreamingContext(sc, 1)
ssc.queueStream([[1, 2]]).pprint(n=5)
