BATCHES = 3
def build(ssc, sc):
    a = ssc.queueStream([[1, 2], [3]]).map(lambda x: x)
    b = ssc.queueStream([[10], [20, 30]]).map(lambda x: x)
    ssc.transform([a, b], lambda rdds: rdds[1].union(rdds[0]).map(lambda x: x + 1)).pprint()
