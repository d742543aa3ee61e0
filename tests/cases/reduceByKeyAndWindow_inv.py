BATCHES = 18
def build(ssc, sc):
    s = ssc.queueStream([[("a", 1)], [("a", 1), ("b", 1)], [("a", 1), ("b", 1), ("c", 1)], [("a", 1), ("b", 1)], [("a", 1)], [], [("a", 1)], [("a", 1), ("b", 1)], [("a", 1), ("b", 1), ("c", 1)], [("a", 1), ("b", 1)], [("a", 1)], []])
    s.reduceByKeyAndWindow(lambda a, b: a + b, lambda a, b: a - b, 5, 1).pprint()
