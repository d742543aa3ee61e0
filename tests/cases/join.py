BATCHES = 4
def build(ssc, sc):
    s1 = ssc.queueStream([["a", "a", "b"], ["a", ""], [""], []])
    s2 = ssc.queueStream([["a", "a", "b"], ["b", ""], [], [""]])
    s1.map(lambda x: (x, 1)).join(s2.map(lambda x: (x, "x"))).pprint()
    s1.map(lambda x: (x, 1)).join(s2.map(lambda x: (x, "x")), 1).pprint()
