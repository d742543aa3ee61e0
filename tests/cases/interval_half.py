BATCHES = 5
INTERVAL = 0.5
def build(ssc, sc):
    s = ssc.queueStream([[1], [2], [3], [4]])
    s.pprint()
    s.window(1, 1).pprint()
