BATCHES = 5
def build(ssc, sc):
    q0 = ssc.queueStream([[("a", 1)], [("b", 2)], [("a", 3)], [("b", 4)], [("a", 5)]])
    w = q0.window(2, 2)
    q0.cogroup(w).mapValues(lambda vs: (len(vs[0]), len(vs[1]))).pprint(1000)
    q0.leftOuterJoin(w).pprint(1000)
    q0.rightOuterJoin(w).pprint(1000)
    q0.fullOuterJoin(w).pprint(1000)
    q0.transformWith(lambda a, b: a.union(b), w).pprint(1000)
    w.join(q0).pprint(1000)
