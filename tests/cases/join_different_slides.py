BATCHES = 4
def build(ssc, sc):
    q0 = ssc.queueStream([[("a", 1)], [("a", 2)], [("a", 3)], [("a", 4)]])
    q0.join(q0.window(2, 2)).pprint(1000)
