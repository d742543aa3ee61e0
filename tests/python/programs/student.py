# Student-style PySpark: stop words, a parsing helper, foreachRDD with print and % formatting,
# sortBy with keywords, countByValue, window with keywords, a nested function reading build's
# variables. Its .out is real PySpark's (run_pyspark.py --clock manual).
from operator import add

STOP = ["the", "a", "of"]
LINES = [
    ["the cat,3", "a dog,5", "the cat,1"],
    ["bird,2", "cat,4", "of dog,1"],
    ["dog,7", "Cat,2"],
    [],
]


def parse(line):
    name, n = line.split(",")
    words = [w for w in name.lower().split() if w not in STOP]
    return (" ".join(words), int(n))


def report(time, rdd):
    rows = sorted(rdd.collect(), key=lambda kv: (-kv[1], kv[0]))
    total = sum(n for _, n in rows)
    print("%s: %d animals, %s" % (str(time), total, ", ".join(f"{k}={v}" for k, v in rows)))


def build(ssc, sc):
    minimum = 2

    def big(kv):
        return kv[1] >= minimum

    pairs = ssc.queueStream([sc.parallelize(b) for b in LINES]).map(parse)
    pairs.reduceByKey(add).foreachRDD(report)
    pairs.filter(big).map(lambda kv: kv[0]).countByValue().pprint()
    pairs.window(windowDuration=2, slideDuration=1).transform(
        lambda rdd: rdd.sortBy(lambda kv: kv[1], ascending=False)).pprint(num=3)
    pairs.map(lambda kv: (kv[0][0].upper(), [kv[1]])).reduceByKey(lambda a, b: a + b).pprint()
