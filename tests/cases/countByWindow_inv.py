BATCHES = 10
def build(ssc, sc):
    s = ssc.queueStream([[1], [1], [1, 2], [0]])
    s.countByWindow(5, 1).pprint()
