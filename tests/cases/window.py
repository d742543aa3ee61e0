BATCHES = 8
def build(ssc, sc):
    s = ssc.queueStream([[1], [2], [3], [4], [5], [6]])
    s.window(2, 1).pprint()
