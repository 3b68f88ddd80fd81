#!/usr/bin/env python3
"""Import loops between the modules of each crate.

A module "uses" another when its code names it through `crate::…` (a `pub use` in lib.rs counts as
the module it re-exports from), `super::…`, or, in a `mod.rs`/`lib.rs`, a child by name
(`child::item`). Declaring a child (`mod child;`) is ownership, not use. Code after
`#[cfg(test)] mod tests` is left out. The check reads text, not the compiler's resolution: it is a
guide for keeping the layering clean, not a proof.

Usage: .ci/import-loops.py [crates/<name>/src ...]   (default: every crate). Prints each loop
with the edges inside it; exits 1 when there is one.
"""
import glob
import os
import re
import sys


def modules(src):
    found = {}
    for root, _, files in os.walk(src):
        for name in files:
            if not name.endswith(".rs"):
                continue
            path = os.path.join(root, name)
            parts = os.path.relpath(path, src)[:-3].split("/")
            if parts[-1] in ("mod", "lib", "main"):
                parts = parts[:-1]
            found[tuple(parts)] = path
    return found


def reexports(src):
    names = {}
    for root in ("lib.rs", "main.rs"):
        path = os.path.join(src, root)
        if os.path.exists(path):
            for m in re.finditer(r"pub use (\w+)::\{?([\w, ]+)\}?;", open(path).read()):
                for name in m.group(2).split(","):
                    names[name.strip()] = (m.group(1),)
    return names


def edges_of(src):
    mods = modules(src)
    names = reexports(src)

    def resolve(path):
        for i in range(len(path), 0, -1):
            if tuple(path[:i]) in mods:
                return tuple(path[:i])
        return names.get(path[0]) if path else None

    edges = {m: set() for m in mods}
    for module, path in mods.items():
        text = open(path).read()
        tests = re.search(r"#\[cfg\(test\)\]\s*mod tests", text)
        if tests:
            text = text[: tests.start()]
        text = re.sub(r"//.*", "", text)
        for use in re.finditer(r"\b(crate|super)::(\{[^;]*?\}|[\w:]+)", text):
            base, rest = use.group(1), use.group(2)
            prefix = [] if base == "crate" else list(module[:-1])
            if rest.startswith("{"):
                items = [i.strip().split("::{")[0] for i in rest[1:-1].split(",")]
            else:
                items = [rest.split("::{")[0]]
            for item in filter(None, items):
                target = resolve(prefix + [p for p in item.split("::") if p])
                if target and target != module and target != ():
                    edges[module].add(target)
        if path.endswith(("mod.rs", "lib.rs", "main.rs")):
            for child in mods:
                if len(child) == len(module) + 1 and child[: len(module)] == module:
                    if re.search(r"(?<![\w:])" + child[-1] + r"::[\w{]", text):
                        edges[module].add(child)
    return edges


def loops(edges):
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    counter = [0]
    sys.setrecursionlimit(10_000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(component)

    for v in edges:
        if v not in index:
            visit(v)
    return found


def name(module):
    return "::".join(module) or "crate root"


def main():
    sources = sys.argv[1:] or sorted(glob.glob("crates/*/src"))
    any_loop = False
    for src in sources:
        edges = edges_of(src)
        for component in loops(edges):
            any_loop = True
            members = set(component)
            print(f"{src}: loop among {', '.join(sorted(name(m) for m in component))}")
            for m in sorted(component):
                inside = sorted(name(t) for t in edges[m] if t in members)
                print(f"    {name(m)} -> {', '.join(inside)}")
    if not any_loop:
        print("no import loops")
    return 1 if any_loop else 0


if __name__ == "__main__":
    sys.exit(main())
