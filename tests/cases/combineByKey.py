BATCHES = 3
def build(ssc, sc):
    s = ssc.queueStream([["a", "a", "b"], ["", ""], []])
    pairs = s.map(lambda x: (x, 1))
    pairs.combineByKey(lambda v: v, lambda c, v: c + v, lambda c1, c2: c1 + c2).pprint()
    nums = ssc.queueStream([[("x", 1), ("y", 10), ("x", 3), ("x", 5), ("y", 20)]])
    nums.combineByKey(lambda v: (v, 1), lambda c, v: (c[0] + v, c[1] + 1), lambda a, b: (a[0] + b[0], a[1] + b[1]), 1).pprint()
