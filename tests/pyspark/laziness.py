from pyspark import SparkContext
sc = SparkContext("local[2]", "laziness")
sc.setLogLevel("ERROR")

def counted(acc):
    def f(x):
        acc.add(1)
        return x
    return f

def partitions_seen(acc):
    def f(it):
        acc.add(1)
        return it
    return f

data = sc.parallelize(range(12), 4)

a = sc.accumulator(0)
unused = data.map(counted(a))
print("unused", a.value)

a = sc.accumulator(0)
print("take2", data.map(counted(a)).take(2), a.value)

a = sc.accumulator(0)
print("take5", data.map(counted(a)).take(5), a.value)

a = sc.accumulator(0)
m = data.map(counted(a))
m.count(); m.count()
print("twice", a.value)

a = sc.accumulator(0)
m = data.map(counted(a)).cache()
m.count(); m.count()
print("cached", a.value)

p = sc.accumulator(0)
sparse = sc.parallelize([None] * 2 + [7] + [None] * 17, 20).mapPartitions(partitions_seen(p)).filter(lambda x: x is not None)
print("sparse", sparse.take(1), p.value)

a = sc.accumulator(0)
r = data.map(lambda x: (x % 3, 1)).map(counted(a)).reduceByKey(lambda x, y: x + y)
r.collect(); r.collect()
print("shuffle", a.value)

import time
from pyspark.streaming import StreamingContext
a = sc.accumulator(0)
ssc = StreamingContext(sc, 1)
ssc.queueStream([data]).map(counted(a)).pprint(1)
ssc.start()
time.sleep(2.5)
ssc.stop(False)
print("pprint1", a.value)

a = sc.accumulator(0)
ssc = StreamingContext(sc, 1)
ssc.queueStream([data]).map(counted(a)).foreachRDD(lambda rdd: rdd.take(2))
ssc.start()
time.sleep(2.5)
ssc.stop(False)
print("foreachtake2", a.value)
