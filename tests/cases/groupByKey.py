BATCHES = 4
def build(ssc, sc):
    s = ssc.queueStream([["a", "a", "b"], ["", ""], [], ["x", "y", "x", "y", "x"]])
    pairs = s.map(lambda x: (x, 1))
    pairs.groupByKey().mapValues(list).pprint()
    pairs.groupByKey(1).mapValues(list).pprint()
