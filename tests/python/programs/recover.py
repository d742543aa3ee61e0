# Recovery from a checkpoint with StreamingContext.getOrCreate: the setup function runs on the
# first start; a second start resumes after the last completed batch, with the state.
from pyspark import SparkContext
from pyspark.streaming import StreamingContext

CHECKPOINT = "ckpt"


def create_context():
    sc = SparkContext.getOrCreate()
    ssc = StreamingContext(sc, 1)
    lines = ssc.queueStream([["a", "b"], ["a"], ["b"], ["a"]])
    counts = lines.map(lambda l: (l, 1)).updateStateByKey(lambda vs, st: (st or 0) + len(vs))
    counts.pprint()
    ssc.checkpoint(CHECKPOINT)
    return ssc


ssc = StreamingContext.getOrCreate(CHECKPOINT, create_context)
ssc.start()
ssc.awaitTermination()
