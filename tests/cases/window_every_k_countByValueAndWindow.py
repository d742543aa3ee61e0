BATCHES = 6
def build(ssc, sc):
    q0 = ssc.queueStream([[1], [2], [3]])
    q0.countByValueAndWindow(2, 1).window(1, 3).pprint(1000)
