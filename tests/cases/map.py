BATCHES = 4
def build(ssc, sc):
    s = ssc.queueStream([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]])
    s.map(lambda x: str(x)).pprint()
    s.map(lambda x: (x, x * x)).pprint()
