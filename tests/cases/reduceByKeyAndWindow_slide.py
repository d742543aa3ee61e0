BATCHES = 8
def build(ssc, sc):
    s = ssc.queueStream([[("a", 1)], [("a", 2)], [("a", 3)], [("a", 4)], [("a", 5)], [("a", 6)], [], []])
    s.reduceByKeyAndWindow(lambda a, b: a + b, None, 4, 2).pprint()
