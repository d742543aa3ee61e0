BATCHES = 10
def build(ssc, sc):
    s = ssc.queueStream([[("a", 1), ("b", 2)], [("a", 3)], [("b", 4)], [("b", 5)]])
    s.groupByKeyAndWindow(5, 1).mapValues(list).pprint()
    s.groupByKeyAndWindow(2, 1).mapValues(list).pprint()
