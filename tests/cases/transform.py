BATCHES = 4
def build(ssc, sc):
    s = ssc.queueStream([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]])
    s.transform(lambda rdd: rdd.map(lambda x: str(x))).pprint()
    s.transform(lambda t, rdd: rdd.map(lambda x: (str(t), x * 10))).pprint(2)
    s.transform(lambda rdd: rdd.sortBy(lambda x: -x, True)).pprint()
