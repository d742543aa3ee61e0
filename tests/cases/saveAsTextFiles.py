BATCHES = 3
def build(ssc, sc):
    s = ssc.queueStream([[("a", 1), "b", 2.5], []])
    s.saveAsTextFiles("out/batch", "txt")
    s.map(lambda x: (x,)).saveAsTextFiles("out/plain")
    s.count().pprint()
