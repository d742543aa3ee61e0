BATCHES = 3
def build(ssc, sc):
    s = ssc.queueStream([["a", "a", "b"], ["", ""], []])
    s.countByValue().pprint()
