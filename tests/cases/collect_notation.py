BATCHES = 1
RUNNER_ARGS = "--no-checkpoint"  # the transform function uses sc, which cannot be pickled into a checkpoint
def build(ssc, sc):
    s = ssc.queueStream([[3, 1, 2]])
    s.transform(lambda rdd: sc.parallelize([
        ("collect", rdd.collect()),
        ("take", rdd.take(2)),
        ("top", rdd.top(2)),
        ("takeOrdered", rdd.takeOrdered(2)),
        ("glom", rdd.glom().collect()),
    ], 1)).pprint()
