BATCHES = 7
def build(ssc, sc):
    s = ssc.queueStream([["a"], ["a", "b"], ["a", "b", "c"], ["a", "b"], ["a"], []])
    s.map(lambda x: (x, 1)).updateStateByKey(lambda values, state: sum(values) + (state or 0)).pprint()
