BATCHES = 3
def build(ssc, sc):
    ssc.queueStream([sc.parallelize(b, 2) for b in [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]]).glom().pprint()
    ssc.queueStream([sc.parallelize([1, 2, 3, 4, 5], 3)]).glom().pprint()
