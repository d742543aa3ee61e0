# Python's meaning kept through the translation: run by python3 and by centella, same output.
import operator
from operator import add

LIMIT = 3
WORDS = ["spark", "Rhai", "stream", "a", "batch"]


def describe(n, label="n"):
    if n % 2 == 0 and n > 0:
        kind = "even"
    elif n < 0:
        kind = "negative"
    else:
        kind = "odd"
    return f"{label}={n:>3} is {kind}"


def stats(values):
    total = sum(values)
    return (min(values), max(values), total / len(values), total // len(values))


def longest(words):
    return max(words, key=len)


print(7 / 2, 7 // 2, -7 // 2, 7 % 3, -7 % 3, 7 % -3, 2 ** 10, 2 ** -1)
print(7.5 // 2, -7.5 % 2, abs(-3), round(2.5), round(3.5), round(2.675, 2))
print((1, 2), [1, 2], (1,), [], (), [(1, [2, 3])], {"a": (1, [2])})
print(None, True, False, [None, True])
print(bool(0), bool([]), bool(""), bool({}), bool([0]), bool("x"), not None)
print(len("héllo"), len(WORDS), len({"a": 1}))
print(sorted(WORDS), sorted(WORDS, key=len), sorted(WORDS, key=lambda w: w.lower(), reverse=True))
print(max(3, 9, 4), min([5, 2, 8]), sum([1, 2, 3]), sum([0.5, 0.25]), any([0, None]), all([1, "x"]))
print(list(range(5)), list(range(2, 11, 3)), list(range(5, 0, -2)))
print(list(zip(WORDS, range(10))), list(enumerate("ab", 1)))
print("  a  b c ".split(), "a,b,,c".split(","), "a b c".split(" ", 1), "  x  ".strip(), "xxhixx".strip("x"))
print("MiXeD".lower(), "MiXeD".upper(), "#tag".startswith("#"), "file.py".endswith((".py", ".rhai")))
print("#tag".replace("#", ""), "-".join(["a", "b", "c"]), "{} and {}".format("x", 1), "{0}{0}".format("ab"))
print(f"{3.14159:.2f}|{42:5d}|{'ab':^6}|{1234567:,}|{0.25:.1%}|{'x'!r}")
print("%s=%d" % ("a", 3), "%.1f%%" % 12.345, "%5s|%-3d|" % ("ab", 7), "%r" % ("q",))
xs = [1, 2, 3]
xs.append(4)
xs.extend([5, 6])
print(xs, xs[1:3], xs[::-1], xs[-2:], xs[:-4], "hello"[1:4], "hello"[::2], xs[-1])
d = {"a": 1}
d["b"] = 2
print(d.get("a"), d.get("z"), d.get("z", 0), sorted(d.items()), "a" in d, "z" not in d)
print(3 in xs, 9 in xs, "ell" in "hello", (1, 2) == (1, 2), [1] == [1], (1, 2) < (1, 3))
print([w.upper() for w in WORDS if len(w) > LIMIT], {w: len(w) for w in WORDS if w < "s"})
print(sum(x * x for x in xs), tuple(map(list, [(1, 2), (3,)])), list(map(str, xs)), list(filter(None, [0, 1, "", "x"])))
print([(i, j) for i in range(3) for j in range(i)])
print(describe(4), describe(-1, label="m"), describe(7))
print(stats([4, 8, 15, 16, 23, 42]), longest(WORDS))
print(add(2, 3), operator.add("a", "b"), (lambda a: a * 2)(5) if False else "lambda")
total = 0
for i, w in enumerate(WORDS):
    if i == 3:
        continue
    total += len(w)
print(total, isinstance(3, int), isinstance("s", (int, str)), int("42") + 1, float("1.5"), str(10) + "!")
n = 10
while n > 1:
    n = n // 2 if n % 2 == 0 else 3 * n + 1
print(n, divmod(17, 5), divmod(-17, 5), [1, 2] + [3], (1,) + (2,), "ab" * 3, [0] * 3)
a, b = 1, 2
a, b = b, a
print(a, b, 1 < a <= 2, "x" if a > b else "y", a and "yes", 0 or "default", None or [] or "last")
