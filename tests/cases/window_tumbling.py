BATCHES = 6
def build(ssc, sc):
    s = ssc.queueStream([[1], [2], [3], [4], [5], [6]])
    s.window(2, 2).pprint()
