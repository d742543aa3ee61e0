BATCHES = 3
def build(ssc, sc):
    s = ssc.queueStream([sc.parallelize(b, 2) for b in [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]])
    s.mapPartitions(lambda it: [sum(it)]).pprint()
    s.mapPartitionsWithIndex(lambda i, it: [(i, len(list(it)))]).pprint()
