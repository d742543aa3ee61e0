# tests/cases/updateStateByKey_initial as a program with main(): SparkContext.getOrCreate(),
# a state function, updateStateByKey with keyword arguments.
from pyspark import SparkContext
from pyspark.streaming import StreamingContext


def update(values, state):
    return sum(values) + (state or 0)


def main():
    sc = SparkContext.getOrCreate()
    ssc = StreamingContext(sc, 1)
    ssc.checkpoint("checkpoint")
    s = ssc.queueStream([["a"], ["a", "b"], ["a", "b", "c"], ["a", "b"], ["a"], []])
    initial = sc.parallelize([("a", 1), ("c", 2)])
    pairs = s.map(lambda x: (x, 1))
    pairs.updateStateByKey(update, numPartitions=2, initialRDD=initial).pprint()
    ssc.start()
    ssc.awaitTermination()


if __name__ == "__main__":
    main()
