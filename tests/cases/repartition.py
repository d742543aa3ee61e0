BATCHES = 4
B = [list(range(1, 11)), list(range(11, 26)), list(range(100, 140))]
def build(ssc, sc):
    ssc.queueStream([sc.parallelize(b, 2) for b in B]).repartition(5).glom().pprint()
    ssc.queueStream([sc.parallelize(b, 5) for b in B]).repartition(2).glom().pprint()
