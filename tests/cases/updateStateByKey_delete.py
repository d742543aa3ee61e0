BATCHES = 7
def update(values, state):
    total = sum(values) + (state or 0)
    return None if total >= 3 else total
def build(ssc, sc):
    s = ssc.queueStream([["a", "b"], [], ["a", "c", "a"], ["c"], [], ["a"]])
    s.map(lambda x: (x, 1)).updateStateByKey(update).pprint()
