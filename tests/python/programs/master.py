# The master a program names sets centella's parallelism (unless --master is given).
from pyspark import SparkContext

sc = SparkContext("local[3]", "master")
print(sc.parallelize([1, 2, 3, 4, 5, 6]).getNumPartitions(), sc.defaultParallelism)
