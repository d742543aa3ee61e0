# The seed's window3_inv as a course program: SparkSession preamble, keyword arguments,
# a temporary checkpoint directory. Prints what the seed's PySpark run printed.
import tempfile

from pyspark.sql import SparkSession
from pyspark.streaming import StreamingContext

spark = SparkSession.builder.master("local[2]").appName("window3_inv").getOrCreate()
sc = spark.sparkContext
sc.setLogLevel("ERROR")
ssc = StreamingContext(sc, 1)
ssc.checkpoint(tempfile.mkdtemp())

BATCHES = [
    [('Web', 1), ('Web', 3), ('Store', 2), ('social_media', 1), ('Store', 2)],
    [('Store', 1), ('Web', 3), ('Store', 2), ('Web', 2), ('social_media', 3)],
    [('Web', 2), ('Store', 1), ('social_media', 1)],
]

stream = ssc.queueStream([sc.parallelize(b) for b in BATCHES])
windowed = stream.reduceByKeyAndWindow(lambda x, y: x + y, invFunc=lambda x, y: x - y,
                                       windowDuration=3, slideDuration=1)
windowed.pprint(num=10)

ssc.start()
ssc.awaitTermination()
