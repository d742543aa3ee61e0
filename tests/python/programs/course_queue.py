# The seed's queue_modes with queueStream's keyword arguments.
from pyspark import SparkContext
from pyspark.streaming import StreamingContext

BATCHES = [['a', 'b'], ['c'], ['d', 'e', 'f']]

sc = SparkContext("local[2]", "queue_modes")
ssc = StreamingContext(sc, 1)
all_at_once = ssc.queueStream([sc.parallelize(b, 1) for b in BATCHES], oneAtATime=False, default=None)
all_at_once.map(lambda x: ('allAtOnce', x)).pprint(num=10)
with_default = ssc.queueStream(rdds=[sc.parallelize(b, 1) for b in BATCHES],
                               default=sc.parallelize(['DEFAULT'], 1))
with_default.map(lambda x: ('withDefault', x)).pprint()
one = ssc.queueStream([sc.parallelize(b, 1) for b in BATCHES])
one.count().pprint()
ssc.start()
ssc.awaitTermination()
