BATCHES = 9
def build(ssc, sc):
    s = ssc.queueStream([["a"], ["b", "b"], ["a", "b"]])
    s.countByValueAndWindow(5, 1, 1).pprint()
