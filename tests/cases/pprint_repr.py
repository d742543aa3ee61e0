BATCHES = 1
def build(ssc, sc):
    s = ssc.queueStream([["plain text", "it's", 42, 2.5, 3.0, True, None]], True)
    s.pprint()
    s.map(lambda x: (x, x)).pprint()
    s.map(lambda x: ((x,), (1, (x, None)))).pprint(3)
