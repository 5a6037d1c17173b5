"""Count the lines of code that exist twice, once sync and once async.

    python scripts/twins.py [src/openrouter]

A function is a twin when a function of the same module has its sync or async counterpart's
name (``generate`` / ``generate_async``, ``__enter__`` / ``__aenter__``, ``close`` / ``aclose``,
``_sse_events`` / ``_asse_events``, ...). Lines are counted with decorators, overload stubs
and docstrings. docs/design.md keeps the total at or under 350.
"""

from __future__ import annotations

import ast
import collections
import sys
from pathlib import Path

_ASYNC_NAMES = {
    "__aenter__": "__enter__",
    "__aexit__": "__exit__",
    "__aiter__": "__iter__",
    "__anext__": "__next__",
    "aclose": "close",
    "atrace": "trace",
    "asleep": "sleep",
    "_areplay": "_replay",
    "_asse_events": "_sse_events",
    "_async_pool": "_pool",
}


def sync_name(name: str) -> str:
    """The name of the sync counterpart of ``name`` (itself when it is sync)."""
    return _ASYNC_NAMES.get(name) or name.removesuffix("_async")


def functions(path: Path) -> list[tuple[str, bool, int]]:
    """(name, is async, lines) of every function and method in ``path``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            start = min([node.lineno] + [d.lineno for d in node.decorator_list])
            lines = (node.end_lineno or node.lineno) - start + 1
            found.append((node.name, isinstance(node, ast.AsyncFunctionDef), lines))
    return found


def main(root: Path) -> int:
    total = 0
    for path in sorted(root.glob("*.py")):
        groups: dict[str, list[tuple[str, bool, int]]] = collections.defaultdict(list)
        for name, is_async, lines in functions(path):
            groups[sync_name(name)].append((name, is_async, lines))
        for base, items in sorted(groups.items()):
            if {is_async for _, is_async, _ in items} == {True, False}:
                count = sum(lines for _, _, lines in items)
                total += count
                print(f"{count:5d}  {path.name}: {base}")
    print(f"{total:5d}  in all")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "src/openrouter")))
