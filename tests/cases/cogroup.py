BATCHES = 4
def build(ssc, sc):
    s1 = ssc.queueStream([["a", "a", "b"], ["a", ""], [""], []])
    s2 = ssc.queueStream([["a", "a", "b"], ["b", ""], [], []])
    s1.map(lambda x: (x, 1)).cogroup(s2.map(lambda x: (x, "x"))).mapValues(lambda v: (list(v[0]), list(v[1]))).pprint()
