BATCHES = 2
def build(ssc, sc):
    big = [((i * 37) % 101, i) for i in range(120)]
    small = [((i * 7) % 10, i) for i in range(10)]
    batches = [sc.parallelize(big, 3), sc.parallelize(small, 2)]
    pairs = ssc.queueStream(batches)
    pairs.transform(lambda rdd: rdd.sortByKey()).glom().map(lambda p: len(p)).pprint()
    pairs.transform(lambda rdd: rdd.sortByKey(False, 4)).glom().map(lambda p: len(p)).pprint()
    pairs.transform(lambda rdd: rdd.sortByKey(True, 1)).pprint(3)
    pairs.transform(lambda rdd: rdd.sortBy(lambda kv: kv[1] % 7, False)).pprint(5)
