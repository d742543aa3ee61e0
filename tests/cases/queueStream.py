BATCHES = 3
def build(ssc, sc):
    empty_first = ssc.queueStream([[], ["x"]])
    empty_first.pprint()
    only_default = ssc.queueStream([], True, ["d"])
    only_default.map(lambda x: ("default", x)).pprint()
    all_ = ssc.queueStream([[1, 2], [3], [4, 5]], False)
    all_.glom().pprint()
