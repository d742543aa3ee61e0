BATCHES = 4
def build(ssc, sc):
    batches = [
        sc.parallelize(["a b c d", "e f a b"], 2),
        sc.parallelize(["c d e", "f g h a"], 2),
        sc.parallelize(["h g"], 2),
    ]
    counts = ssc.queueStream(batches).flatMap(lambda l: l.split(" ")).map(lambda w: (w, 1)) \
        .reduceByKey(lambda a, b: a + b)
    counts.window(2, 1).pprint(20)
    counts.window(2, 1).glom().map(lambda p: len(p)).pprint()
    counts.mapValues(lambda v: v * 10).filter(lambda kv: kv[1] > 10).union(counts).glom().map(lambda p: len(p)).pprint()
    counts.map(lambda kv: kv).window(2, 1).glom().map(lambda p: len(p)).pprint()
