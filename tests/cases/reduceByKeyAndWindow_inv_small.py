BATCHES = 14
def build(ssc, sc):
    s = ssc.queueStream([[("a", 1)], [("a", 1), ("b", 1)], [("a", 1), ("b", 1), ("c", 1)], [("a", 1), ("b", 1)], [("a", 1)], [], [("a", 1)], [("a", 1), ("b", 1)], [("a", 1), ("b", 1), ("c", 1)], [("a", 1), ("b", 1)], [("a", 1)], []])
    s.reduceByKeyAndWindow(lambda a, b: a + b, lambda a, b: a - b, 2, 1).pprint()
