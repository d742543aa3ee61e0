BATCHES = 4
RUNNER_ARGS = "--no-checkpoint"  # the transform function uses sc, which cannot be pickled into a checkpoint
def build(ssc, sc):
    s = ssc.queueStream([[1, 2, 3], []])
    s.glom().pprint()
    s.mapPartitions(lambda it: [len(list(it))]).pprint()
    s.transform(lambda rdd: sc.parallelize([rdd.getNumPartitions(), rdd.count()], 1)).pprint()
    s.window(2, 1).glom().pprint()
