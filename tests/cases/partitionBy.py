BATCHES = 2
def build(ssc, sc):
    s = ssc.queueStream([[(1, "a"), (2, "b"), (3, "c"), (4, "d"), (5, "e"), (6, "f")], [("x", 1), ("y", 2), ("z", 3)]])
    s.partitionBy(3).glom().pprint()
    s.partitionBy(1).glom().pprint()
