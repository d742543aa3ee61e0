BATCHES = 5
def build(ssc, sc):
    s = ssc.queueStream([[], [1], [1, 2], [1, 2, 3]])
    s.count().pprint()
