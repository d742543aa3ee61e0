# More student-style PySpark: dict states, joins with None, groupByKey().mapValues(sorted),
# builtins as functions, slicing, enumerate, f-string specs, list repetition, a generator sum.
# Its .out is real PySpark's (run_pyspark.py --clock manual).
EVENTS = [
    [("ana", "login"), ("bob", "click"), ("ana", "click"), ("cy", "")],
    [("bob", "click"), ("bob", "logout"), ("ana", "click")],
    [("dan", "login")],
]
NAMES = [("ana", "Ana Pérez"), ("bob", "Bob Li")]


def update(actions, state):
    state = state or {"count": 0, "last": None}
    if not actions:
        return state
    return {"count": state["count"] + len(actions), "last": actions[-1]}


def describe(kv):
    user, (actions, name) = kv
    shown = name.split()[0] if name is not None else "?"
    return f"{user:<4}|{shown:>5}|{len(actions):02d}|{','.join(actions[:2])}"


def build(ssc, sc):
    events = ssc.queueStream([sc.parallelize(b, 2) for b in EVENTS])
    names = ssc.queueStream([sc.parallelize(NAMES)] * 3)
    actions = events.filter(lambda e: e[1]).groupByKey().mapValues(sorted)
    actions.pprint()
    actions.mapValues(len).pprint()
    actions.leftOuterJoin(names).map(describe).pprint()
    events.map(lambda e: e[1]).filter(lambda a: a).map(lambda a: (a, 1)).updateStateByKey(
        lambda vs, st: (st or 0) + sum(v for v in vs)).pprint()
    events.updateStateByKey(update).pprint()
    events.map(lambda e: [(i, c) for i, c in enumerate(e[0][:2])]).pprint()
