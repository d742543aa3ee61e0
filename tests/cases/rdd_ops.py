BATCHES = 3
RUNNER_ARGS = "--no-checkpoint"  # the transform function uses sc, which cannot be pickled into a checkpoint
def build(ssc, sc):
    s = ssc.queueStream([
        [("b", 2), ("a", 1), ("c", 3), ("a", 4), ("b", 2)],
        [("z", 26), ("y", 25)],
    ])
    def f(rdd):
        other = sc.parallelize([("a", "x"), ("d", "w")], 1)
        by_key = rdd.countByKey()
        by_value = rdd.countByValue()
        return sc.parallelize([
            ("sortByKey", rdd.sortByKey().collect()),
            ("sortByKey desc", rdd.sortByKey(False).collect()),
            ("sortBy value", rdd.sortBy(lambda kv: kv[1], False).collect()),
            ("distinct sorted", rdd.distinct().sortByKey().collect()),
            ("keys", rdd.keys().collect()),
            ("values", rdd.values().collect()),
            ("count", rdd.count()),
            ("take 2", rdd.take(2)),
            ("first", rdd.first()),
            ("top 2", rdd.top(2)),
            ("takeOrdered 2", rdd.takeOrdered(2)),
            ("fold", rdd.values().fold(0, lambda a, b: a + b)),
            ("reduce", rdd.values().reduce(lambda a, b: a * b)),
            ("countByKey b", by_key["b"]),
            ("countByValue ('b', 2)", by_value[("b", 2)]),
            ("isEmpty", rdd.isEmpty()),
            ("getNumPartitions", rdd.getNumPartitions()),
            ("coalesce 1", rdd.coalesce(1).glom().collect()),
            ("zipWithIndex", rdd.keys().zipWithIndex().collect()),
            ("cartesian", rdd.keys().cartesian(other.keys()).count()),
            ("flatMap filter", rdd.flatMap(lambda kv: [kv[1], kv[1] * 10]).filter(lambda x: x > 3).collect()),
            ("mapPartitions", rdd.mapPartitions(lambda p: [len(list(p))]).collect()),
            ("union", rdd.keys().union(other.keys()).collect()),
            ("leftOuterJoin", rdd.leftOuterJoin(other).sortByKey().collect()),
            ("cogroup size", rdd.cogroup(other).count()),
            ("reduceByKey", rdd.reduceByKey(lambda a, b: a + b).sortByKey().collect()),
            ("groupByKey", rdd.groupByKey().mapValues(len).sortByKey().collect()),
        ], 1)
    s.transform(lambda rdd: f(rdd) if not rdd.isEmpty() else rdd).pprint(30)
