BATCHES = 12
def build(ssc, sc):
    add = lambda a, b: a + b
    q1 = ssc.queueStream([[1], [2], [3], [4], [5], [6], [7]])
    q1.window(2, 1).window(1, 3).pprint(1000)
    q2 = ssc.queueStream([["a"], ["b"], ["a"], ["c"], ["a"], ["b"], ["a"]])
    q2.map(lambda x: (x, 1)).reduceByKeyAndWindow(add, None, 2, 1).window(1, 3).pprint(1000)
    q3 = ssc.queueStream([["a"], ["b"], ["a"], ["c"], ["a"], ["b"], ["a"]])
    q3.map(lambda x: (x, 1)).reduceByKeyAndWindow(add, lambda a, b: a - b, 5, 1).window(1, 3).pprint(1000)
    q4 = ssc.queueStream([[1], [2], [3], [4], [5], [6], [7]])
    q4.reduceByWindow(add, lambda a, b: a - b, 2, 1).window(1, 3).pprint(1000)
    q5 = ssc.queueStream([["a"], ["b"], ["a"], ["c"], ["a"], ["b"], ["a"]])
    q5.map(lambda x: (x, x)).groupByKeyAndWindow(2, 1).mapValues(lambda vs: len(vs)).window(1, 3).pprint(1000)
    q6 = ssc.queueStream([["a"], ["b"], ["a"], ["c"], ["a"], ["b"], ["a"]])
    q6.map(lambda x: (x, 1)).updateStateByKey(lambda vs, s: len(vs) + (0 if s is None else s)).window(1, 3).pprint(1000)
    q7 = ssc.queueStream([[1], [2], [3], [4], [5], [6], [7]])
    q7.countByWindow(3, 1).window(3, 3).pprint(1000)
