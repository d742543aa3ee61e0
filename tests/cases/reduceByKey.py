BATCHES = 4
def build(ssc, sc):
    s = ssc.queueStream([["a", "a", "b"], ["", ""], [], ["x", "y", "z", "x", "w", "a", "b", "c"]])
    pairs = s.map(lambda x: (x, 1))
    pairs.reduceByKey(lambda a, b: a + b).pprint()
    pairs.reduceByKey(lambda a, b: a + b, 1).pprint()
    pairs.reduceByKey(lambda a, b: a + b, 3).pprint()
