BATCHES = 9
def build(ssc, sc):
    q0 = ssc.queueStream([[1], [2], [3], [4], [5], [6]])
    q0.countByWindow(2, 1).window(1, 3).pprint(1000)
