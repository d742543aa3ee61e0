BATCHES = 18
def build(ssc, sc):
    q0 = ssc.queueStream([sc.parallelize(["ba"], 3)])
    q0.countByValueAndWindow(4, 3).countByValueAndWindow(6, 9).pprint(1000)
