BATCHES = 9
def build(ssc, sc):
    s = ssc.queueStream([[1, 2], [3], [4, 5, 6]])
    s.reduceByWindow(lambda a, b: a + b, lambda a, b: a - b, 3, 1).pprint()
    s.reduceByWindow(lambda a, b: a + b, lambda a, b: a - b, 5, 1).pprint()
    s.reduceByWindow(lambda a, b: a + b, None, 2, 1).pprint()
