BATCHES = 4
def build(ssc, sc):
    s1 = ssc.queueStream([["a", "b"], ["a", ""], [""], []])
    s2 = ssc.queueStream([["a"], ["b"], [""], []])
    s1.map(lambda x: (x, 1)).transformWith(lambda a, b: a.join(b), s2.map(lambda x: (x, "x"))).pprint()
