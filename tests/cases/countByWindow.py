BATCHES = 6
def build(ssc, sc):
    s = ssc.queueStream([[1], [1], [1, 2], [0], [], []])
    s.countByWindow(2, 1).pprint()
