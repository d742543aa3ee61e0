BATCHES = 4
def build(ssc, sc):
    a = ssc.queueStream([[1, 2], [3], []]).map(lambda x: x)
    b = ssc.queueStream([[10], [], [30]]).map(lambda x: x)
    c = ssc.queueStream([[100, 200], [300], [400]]).map(lambda x: x)
    ssc.union(a, b, c).pprint()
