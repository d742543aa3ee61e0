BATCHES = 3
def build(ssc, sc):
    s = ssc.queueStream([["a", "a", "b"], ["", ""], []])
    counts = s.map(lambda x: (x, 1)).reduceByKey(lambda a, b: a + b)
    counts.mapValues(lambda v: v + 10).pprint()
    counts.flatMapValues(lambda v: [v, v + 10]).pprint()
