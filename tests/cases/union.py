BATCHES = 3
def build(ssc, sc):
    a = ssc.queueStream([[1, 2, 3, 4], [101, 102, 103, 104], [201, 202, 203, 204]])
    b = ssc.queueStream([[5, 6, 7, 8], [105, 106, 107, 108], [205, 206, 207, 208]])
    a.union(b).pprint()
