BATCHES = 6
def build(ssc, sc):
    s = ssc.queueStream([[1], [2], [3], [4]])
    s.window(1, 2).pprint()
