BATCHES = 7
def build(ssc, sc):
    s = ssc.queueStream([[1], [1, 2], [1, 2, 3], [1, 2, 3, 4]])
    s.window(3).count().pprint()
