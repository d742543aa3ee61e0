BATCHES = 3
def build(ssc, sc):
    s = ssc.queueStream([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]])
    s.flatMap(lambda x: [x, x * 2]).pprint(20)
