#!/usr/bin/env python3
"""Print the import graph of src/engine and its cycles (strongly connected components).

An edge a -> b means that a's non-test code names a path into module b: `use crate::b::...`
(the engine is a crate of its own; `crate::engine::b` is read the same way), `super::...`,
`self::...`, or (in a mod.rs) a child module by name.
Test modules (`#[cfg(test)] mod tests { ... }` at the end of a file) are left out, as are
the `mod x;` declarations themselves. Usage: scripts/engine-imports.py [--edges] [ROOT]
"""

import re
import sys
from pathlib import Path

PATH_RE = re.compile(r"\b(crate::engine|crate|super|self)((?:::(?:\w+|\{))+)")


def module_of(path: Path, engine: Path) -> tuple:
    rel = path.relative_to(engine).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "mod":
        parts.pop()
    return tuple(parts)


def without_tests(src: str) -> str:
    cut = re.search(r"#\[cfg\(test\)\]\s*(pub\s+)?mod\s+\w+\s*\{", src)
    return src[: cut.start()] if cut else src


def group_after(src: str, start: int) -> str:
    """The text of the `{...}` group opening at src[start]."""
    depth = 0
    for i in range(start, len(src)):
        if src[i] == "{":
            depth += 1
        elif src[i] == "}":
            depth -= 1
            if depth == 0:
                return src[start + 1 : i]
    return ""


def split_top(group: str) -> list:
    items, depth, cur = [], 0, ""
    for c in group:
        if c == "," and depth == 0:
            items.append(cur.strip())
            cur = ""
            continue
        depth += c == "{"
        depth -= c == "}"
        cur += c
    items.append(cur.strip())
    return [i for i in items if i]


def expand(prefix: list, rest: str) -> list:
    """All paths a `use` tail spells (`a::{b, c::{d}}` -> a::b, a::c::d)."""
    m = re.match(r"((?:\w+::)*)\{(.*)\}\s*$", rest, re.S)
    if not m:
        return [prefix + [s for s in rest.split("::") if s]]
    head = prefix + [s for s in m.group(1).split("::") if s]
    out = []
    for item in split_top(m.group(2)):
        out.extend(expand(head, item.split(" as ")[0].strip()))
    return out


def targets(src: str, here: tuple, is_mod_rs: bool, modules: set, children: set) -> set:
    found = set()
    base_of = {
        "crate::engine": (),
        "crate": (),
        "super": here[:-1],
        "self": here,
    }
    for m in PATH_RE.finditer(src):
        base = list(base_of[m.group(1)])
        tail = m.group(2)[2:]
        if tail.endswith("{"):
            group = group_after(src, m.end() - 1)
            paths = expand(base + [s for s in tail[:-1].split("::") if s], "{" + group + "}")
        else:
            paths = [base + [s for s in tail.split("::") if s]]
        for p in paths:
            while p and tuple(p) not in modules:
                p = p[:-1]
            found.add(tuple(p))
    if is_mod_rs:
        for child in children:
            if re.search(rf"(?<![\w:]){child[-1]}::", src):
                found.add(child)
    found.discard(here)
    found.discard(())
    return found


def sccs(graph: dict) -> list:
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    root = Path(args[0]) if args else Path(__file__).resolve().parent.parent
    engine = root / "src" / "engine"
    files = {module_of(p, engine): p for p in sorted(engine.rglob("*.rs"))}
    modules = set(files) | {()}
    graph = {}
    for mod, path in files.items():
        if not mod:
            continue
        children = {m for m in files if len(m) == len(mod) + 1 and m[: len(mod)] == mod}
        src = without_tests(path.read_text())
        graph[mod] = targets(src, mod, path.name == "mod.rs", modules, children) - {()}
    name = lambda m: "::".join(m)
    if "--edges" in sys.argv:
        for mod in sorted(graph):
            print(f"{name(mod)} -> {', '.join(name(t) for t in sorted(graph[mod]))}")
        print()
    cycles = [c for c in sccs(graph) if len(c) > 1]
    cycles.sort(key=len, reverse=True)
    print(f"{len(graph)} engine modules, {sum(len(t) for t in graph.values())} edges")
    if not cycles:
        print("no import cycles")
    for c in cycles:
        print(f"cycle of {len(c)}: {', '.join(name(m) for m in c)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
