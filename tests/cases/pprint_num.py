BATCHES = 3
def build(ssc, sc):
    s = ssc.queueStream([list(range(0, 10)), list(range(0, 11)), list(range(0, 3))])
    s.pprint()
    s.map(lambda x: x * 100).pprint(2)
    s.map(lambda x: -x).pprint(3)
