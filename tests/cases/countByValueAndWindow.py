BATCHES = 5
def build(ssc, sc):
    s = ssc.queueStream([["a"], ["b", "b"], ["a", "b"]])
    s.countByValueAndWindow(2, 1).pprint()
