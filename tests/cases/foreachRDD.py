BATCHES = 4
def show(t, rdd):
    if rdd.isEmpty():
        print(f"{t}: empty")
    else:
        print(f"{t}: sum {rdd.reduce(lambda a, b: a + b)} max {rdd.top(1)[0]}")
def build(ssc, sc):
    s = ssc.queueStream([[3, 1, 2], [10], []])
    s.foreachRDD(lambda rdd: print("count " + str(rdd.count())))
    s.pprint()
    s.foreachRDD(show)
