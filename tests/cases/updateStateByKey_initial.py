BATCHES = 6
def build(ssc, sc):
    s = ssc.queueStream([["a"], ["a", "b"], ["a", "b", "c"], ["a", "b"], ["a"], []])
    initial = sc.parallelize([("a", 1), ("c", 2)])
    s.map(lambda x: (x, 1)).updateStateByKey(lambda values, state: sum(values) + (state or 0), 2, initial).pprint()
