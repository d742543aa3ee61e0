from pyspark import SparkContext
sc = SparkContext("local[2]", "app"
