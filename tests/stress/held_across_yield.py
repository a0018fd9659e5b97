"""Find names a generator keeps bound across a ``yield`` after it is done with them.

A helper for tests (not a test file, not shipped). A long-lived generator --
a component's ``main`` -- that handled a message in ``for message in
self.Inbox(): ...`` and then pauses at ``yield`` keeps ``message`` (and all
it refers to) alive until the loop next rebinds the name. This module reads
source with :mod:`ast` and lists, for every generator function, the names
that may be bound at a ``yield`` although no path from that ``yield`` reads
them before rebinding them: references held for nothing.

``heldNames(source)`` returns :class:`Held` records; ``scanFiles(paths)``
does so for files. With ``messagesOnly=True`` only names bound to messages
are reported (from a call such as ``recv()``, ``Inbox()``, ``popleft()``,
``get()``, or from an expression using such a name): what matters for
memory. Run it by hand as ``python tests/stress/held_across_yield.py
[--messages] FILE...``.

How does it work?
-----------------
Two passes over the statements of each function that can suspend (a
generator, a coroutine, or a function calling ``something.pause()``,
``.wait()`` or ``.sleep()``, as a threaded component's ``main`` does):

* backward *liveness* (loops iterated to a fixed point; ``break``,
  ``continue``, ``return`` and ``raise`` followed; ``try`` treated
  conservatively) gives the names read later, after each statement;
* forward, the names that may hold something on some path reaching each
  statement: bound to a value that is not obviously small (a number, a
  string, ``None``, ``len(...)``, a comparison) and neither deleted nor
  rebound to a small value since.

At each statement that suspends, every name that may hold something but is
not read later is reported. It errs on the side of reporting: a name that
can only hold ``None`` there is reported too, and a reader dismisses it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

__all__ = ["Held", "heldNames", "scanFiles"]


@dataclass(frozen=True, slots=True)
class Held:
    """One name bound but dead at a ``yield``: where, and in which function."""

    path: str
    function: str
    line: int        # line of the statement that yields
    name: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.function} holds {self.name!r} across a yield"


_SMALL_CALLS = frozenset({"len", "int", "float", "bool", "str", "isinstance", "id", "hash",
                          "min", "max", "abs", "round", "time", "monotonic", "perf_counter",
                          "dataReady", "anyReady", "_isStopped", "childrenDone", "hasattr",
                          "callable", "repr", "format", "ord", "chr"})


def _isSmall(value: ast.AST | None) -> bool:
    """True for expressions whose value is obviously small (not worth reporting)."""
    if value is None:
        return False
    if isinstance(value, ast.Constant):
        return True
    if isinstance(value, (ast.Compare, ast.BoolOp)) or (
            isinstance(value, ast.UnaryOp) and isinstance(value.op, ast.Not)):
        return True
    if isinstance(value, ast.UnaryOp):
        return _isSmall(value.operand)
    if isinstance(value, ast.BinOp):
        return _isSmall(value.left) and _isSmall(value.right)
    if isinstance(value, ast.Call):
        func = value.func
        name = func.id if isinstance(func, ast.Name) else \
            func.attr if isinstance(func, ast.Attribute) else None
        return name in _SMALL_CALLS
    if isinstance(value, ast.Name):
        return False
    return False


def _reads(node: ast.AST) -> set[str]:
    """Names read in ``node`` (not descending into nested functions/classes/lambdas
    except for the names they read from outside, which keep those alive)."""
    found: set[str] = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Load):
            found.add(child.id)
    return found


def _targets(node: ast.AST) -> set[str]:
    return {child.id for child in ast.walk(node)
            if isinstance(child, ast.Name) and isinstance(child.ctx, (ast.Store, ast.Del))}


def _hasOwnYield(stmt: ast.stmt) -> bool:
    """True if ``stmt``'s own expressions (not nested statements or functions)
    yield, or call ``something.pause(...)`` (where a threaded component's
    ``main`` waits)."""
    for expr in _ownExpressions(stmt):
        for child in _walkNoScopes(expr):
            if isinstance(child, (ast.Yield, ast.YieldFrom, ast.Await)):
                return True
            if _isPauseCall(child):
                return True
    return False


def _isPauseCall(node: ast.AST) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("pause", "wait", "sleep"))


def _ownExpressions(stmt: ast.stmt) -> list[ast.AST]:
    if isinstance(stmt, (ast.If, ast.While)):
        return [stmt.test]
    if isinstance(stmt, (ast.For, ast.AsyncFor)):
        return [stmt.iter]
    if isinstance(stmt, (ast.With, ast.AsyncWith)):
        return [item.context_expr for item in stmt.items]
    if isinstance(stmt, (ast.Try, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return []
    if hasattr(ast, "TryStar") and isinstance(stmt, ast.TryStar):
        return []
    if isinstance(stmt, ast.Match):
        return [stmt.subject]
    return [stmt]


def _walkNoScopes(node: ast.AST) -> Iterator[ast.AST]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        for child in ast.iter_child_nodes(current):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda,
                                  ast.ClassDef, ast.GeneratorExp, ast.ListComp,
                                  ast.SetComp, ast.DictComp)):
                continue
            stack.append(child)


def _suspends(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """True for generators, coroutines and functions that call ``.pause(...)``."""
    if isinstance(func, ast.AsyncFunctionDef):
        return True
    for stmt in func.body:
        for child in _walkNoScopes(stmt):
            if isinstance(child, (ast.Yield, ast.YieldFrom)) or _isPauseCall(child):
                return True
    return False


class _Liveness:
    """Backward liveness over one function's structured statements."""

    def __init__(self) -> None:
        self.liveAfter: dict[int, set[str]] = {}   # id(stmt) -> names live after it

    def block(self, stmts: list[ast.stmt], after: set[str], brk: set[str], cont: set[str],
              exc: set[str]) -> set[str]:
        live = after
        for stmt in reversed(stmts):
            live = self.stmt(stmt, live, brk, cont, exc)
        return live

    def stmt(self, s: ast.stmt, after: set[str], brk: set[str], cont: set[str],
             exc: set[str]) -> set[str]:
        key = id(s)
        self.liveAfter[key] = self.liveAfter.get(key, set()) | after
        if isinstance(s, (ast.Return,)):
            return _reads(s)
        if isinstance(s, ast.Raise):
            return _reads(s) | exc
        if isinstance(s, ast.Break):
            return set(brk)
        if isinstance(s, ast.Continue):
            return set(cont)
        if isinstance(s, ast.If):
            body = self.block(s.body, after, brk, cont, exc)
            orelse = self.block(s.orelse, after, brk, cont, exc)
            return body | orelse | _reads(s.test)
        if isinstance(s, ast.While):
            head = set(after)
            for _ in range(6):
                bodyIn = self.block(s.body, head, after, head, exc)
                newHead = bodyIn | self.block(s.orelse, after, brk, cont, exc) | _reads(s.test)
                if newHead == head:
                    break
                head = newHead
            return head
        if isinstance(s, (ast.For, ast.AsyncFor)):
            bound = _targets(s.target)
            head = set(after)
            for _ in range(6):
                bodyIn = self.block(s.body, head, after, head, exc)
                newHead = (bodyIn - bound) | head | self.block(s.orelse, after, brk, cont, exc)
                if newHead == head:
                    break
                head = newHead
            return head | _reads(s.iter)
        if isinstance(s, (ast.With, ast.AsyncWith)):
            body = self.block(s.body, after, brk, cont, exc)
            bound: set[str] = set()
            reads: set[str] = set()
            for item in s.items:
                reads |= _reads(item.context_expr)
                if item.optional_vars is not None:
                    bound |= _targets(item.optional_vars)
            return (body - bound) | reads
        if isinstance(s, ast.Try) or (hasattr(ast, "TryStar") and isinstance(s, ast.TryStar)):
            final = self.block(s.finalbody, after, brk, cont, exc)
            handlersIn: set[str] = set()
            for handler in s.handlers:
                handlersIn |= self.block(handler.body, final, brk, cont, exc)
                if handler.type is not None:
                    handlersIn |= _reads(handler.type)
            orelse = self.block(s.orelse, final, brk, cont, exc)
            # Any statement of the body may raise: what handlers need is live throughout.
            body = self.block(s.body, orelse, brk, cont, exc | handlersIn | final)
            return body | handlersIn | final
        if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            reads = set()
            for child in ast.walk(s):
                if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Load):
                    reads.add(child.id)
            return (after - {s.name}) | reads
        if isinstance(s, ast.Match):
            cases: set[str] = set()
            for case in s.cases:
                cases |= self.block(case.body, after, brk, cont, exc) | _reads(case.pattern)
            return cases | after | _reads(s.subject)
        # Simple statements: live_in = reads | (live_out - written)
        written: set[str] = set()
        if isinstance(s, ast.Assign):
            for target in s.targets:
                written |= {n.id for n in ast.walk(target)
                            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        elif isinstance(s, (ast.AnnAssign,)) and s.value is not None:
            written |= _targets(s.target)
        elif isinstance(s, ast.Delete):
            written |= _targets(s)
        return (after - written) | _reads(s) | (exc if _mayRaise(s) else set())


def _mayRaise(s: ast.stmt) -> bool:
    return not isinstance(s, (ast.Pass, ast.Global, ast.Nonlocal))


class _Bound:
    """Forward pass: the names that may hold a value worth reporting before each
    statement (bound on some path that reaches it, to something not obviously
    small, and not deleted or rebound to something small since)."""

    def __init__(self) -> None:
        self.before: dict[int, set[str]] = {}      # id(stmt) -> names maybe bound

    def block(self, stmts: list[ast.stmt], bound: set[str] | None,
              loop: list[list[set[str]]] | None) -> set[str] | None:
        for s in stmts:
            if bound is None:
                return None                  # unreachable from here on
            bound = self.stmt(s, bound, loop)
        return bound

    def stmt(self, s: ast.stmt, bound: set[str],
             loop: list[list[set[str]]] | None) -> set[str] | None:
        key = id(s)
        self.before[key] = self.before.get(key, set()) | bound
        bound = bound | self._walrus(s)
        if isinstance(s, (ast.Return, ast.Raise)):
            return None
        if isinstance(s, ast.Break):
            if loop is not None:
                loop[0].append(set(bound))
            return None
        if isinstance(s, ast.Continue):
            if loop is not None:
                loop[1].append(set(bound))
            return None
        if isinstance(s, ast.If):
            body = self.block(s.body, set(bound), loop)
            orelse = self.block(s.orelse, set(bound), loop)
            return _union(body, orelse)
        if isinstance(s, (ast.While, ast.For, ast.AsyncFor)):
            targets = set(_storeNames(s.target)) if not isinstance(s, ast.While) else set()
            forever = isinstance(s, ast.While) and isinstance(s.test, ast.Constant) \
                and bool(s.test.value)
            head = set(bound)
            for _ in range(8):
                inner: list[list[set[str]]] = [[], []]
                out = self.block(s.body, head | targets, inner)
                newHead = set(bound)
                for part in [out, *inner[1]]:
                    if part is not None:
                        newHead |= part
                if newHead == head:
                    break
                head = newHead
            exits: set[str] | None = None
            for part in inner[0]:
                exits = _union(exits, part)
            if not forever:
                exits = _union(exits, self.block(s.orelse, set(head), loop))
            return exits
        if isinstance(s, (ast.With, ast.AsyncWith)):
            for item in s.items:
                if item.optional_vars is not None:
                    bound = bound | set(_storeNames(item.optional_vars))
            return self.block(s.body, bound, loop)
        if isinstance(s, ast.Try) or (hasattr(ast, "TryStar") and isinstance(s, ast.TryStar)):
            body = self.block(s.body, set(bound), loop)
            anywhere = bound | _everBound(s.body)
            outs = [self.block(s.orelse, body, loop) if body is not None else None]
            for handler in s.handlers:
                names = {handler.name} if handler.name else set()
                out = self.block(handler.body, anywhere | names, loop)
                outs.append(None if out is None else out - names)
            merged: set[str] | None = None
            for out in outs:
                merged = _union(merged, out)
            if s.finalbody:
                final = self.block(s.finalbody, anywhere | (merged or set()), loop)
                return None if final is None or merged is None else final
            return merged
        if isinstance(s, ast.Match):
            merged = None
            for case in s.cases:
                caught = {n.name for n in ast.walk(case.pattern)
                          if isinstance(n, (ast.MatchAs, ast.MatchStar)) and n.name}
                merged = _union(merged, self.block(case.body, bound | caught, loop))
            return _union(merged, bound)
        if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return bound | {s.name}
        if isinstance(s, (ast.Assign, ast.AnnAssign)):
            targets = s.targets if isinstance(s, ast.Assign) else [s.target]
            if s.value is None:
                return bound
            names = {n for target in targets for n in _storeNames(target)}
            plain = all(isinstance(target, ast.Name) for target in targets)
            return (bound - names) if plain and _isSmall(s.value) else (bound | names)
        if isinstance(s, ast.AugAssign):
            return bound if _isSmall(s.value) else bound | set(_storeNames(s.target))
        if isinstance(s, ast.Delete):
            return bound - _targets(s)
        return bound

    @staticmethod
    def _walrus(s: ast.stmt) -> set[str]:
        found = set()
        for expr in _ownExpressions(s):
            for child in _walkNoScopes(expr):
                if isinstance(child, ast.NamedExpr) and not _isSmall(child.value):
                    found.add(child.target.id)
        return found


def _union(a: set[str] | None, b: set[str] | None) -> set[str] | None:
    if a is None:
        return None if b is None else set(b)
    return a | b if b is not None else set(a)


def _everBound(stmts: list[ast.stmt]) -> set[str]:
    return {n.id for s in stmts for n in ast.walk(s)
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


def _storeNames(target: ast.AST) -> list[str]:
    return [n.id for n in ast.walk(target) if isinstance(n, ast.Name)
            and isinstance(n.ctx, ast.Store)]


def _statements(func: ast.AST) -> Iterator[ast.stmt]:
    """Every statement of the function (not those of nested functions or classes)."""

    def visit(stmts: list[ast.stmt]) -> Iterator[ast.stmt]:
        for s in stmts:
            yield s
            if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            for field in ("body", "orelse", "finalbody"):
                block = getattr(s, field, None)
                if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                    yield from visit(block)
            for handler in getattr(s, "handlers", ()):
                yield from visit(handler.body)
            for case in getattr(s, "cases", ()):
                yield from visit(case.body)

    yield from visit(func.body)  # type: ignore[attr-defined]


#: Calls whose result is a message (or holds messages): what ``messagesOnly`` follows.
MESSAGE_SOURCES = frozenset({"Inbox", "recv", "popleft", "pop", "get", "get_nowait", "_get",
                             "_collect", "next", "receive", "nextMessage"})


def _messageNames(func: ast.AST) -> set[str]:
    """Names bound to a message: from a call in :data:`MESSAGE_SOURCES`, or
    from an expression that reads a name already known to hold one."""
    pairs: list[tuple[list[str], ast.AST]] = []
    for node in ast.walk(func):
        if isinstance(node, ast.Assign):
            pairs.append(([n for t in node.targets for n in _storeNames(t)], node.value))
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)) and node.value is not None:
            pairs.append((_storeNames(node.target), node.value))
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
            pairs.append((_storeNames(node.target), node.iter))
        elif isinstance(node, ast.NamedExpr):
            pairs.append(([node.target.id], node.value))
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if item.optional_vars is not None:
                    pairs.append((_storeNames(item.optional_vars), item.context_expr))
    found: set[str] = set()
    changed = True
    while changed:
        changed = False
        for names, value in pairs:
            if set(names) <= found:
                continue
            if _fromMessages(value, found):
                found.update(names)
                changed = True
    return found


def _fromMessages(value: ast.AST, known: set[str]) -> bool:
    for node in ast.walk(value):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else \
                func.id if isinstance(func, ast.Name) else None
            if name in MESSAGE_SOURCES:
                return True
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in known:
            return True
    return False


def _function(func: ast.FunctionDef | ast.AsyncFunctionDef, qualname: str,
              path: str, messagesOnly: bool = False) -> list[Held]:
    liveness = _Liveness()
    liveness.block(func.body, set(), set(), set(), set())
    params = [a.arg for a in (*func.args.posonlyargs, *func.args.args,
                              *func.args.kwonlyargs)]
    if func.args.vararg:
        params.append(func.args.vararg.arg)
    if func.args.kwarg:
        params.append(func.args.kwarg.arg)
    bound = _Bound()
    bound.block(func.body, {p for p in params if p not in ("self", "cls")}, None)
    messages = _messageNames(func) if messagesOnly else None
    found: list[Held] = []
    reported: set[str] = set()       # each name once per function, at its first yield
    for s in _statements(func):
        if not _hasOwnYield(s):
            continue
        ownReads: set[str] = set()
        for expr in _ownExpressions(s):
            ownReads |= _reads(expr)
        dead = bound.before.get(id(s), set()) - liveness.liveAfter.get(id(s), set()) - ownReads
        for name in sorted(dead):
            if name.startswith("_") or name in reported:
                continue
            if messages is not None and name not in messages:
                continue
            reported.add(name)
            found.append(Held(path, qualname, s.lineno, name))
    return found


def heldNames(source: str, path: str = "<string>", messagesOnly: bool = False) -> list[Held]:
    """Every name a generator in ``source`` keeps bound, unused, across a yield.

    With ``messagesOnly``, only names bound to messages (see
    :data:`MESSAGE_SOURCES`) are reported: what matters for memory.
    """
    tree = ast.parse(source, path)
    found: list[Held] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                qualname = f"{prefix}{child.name}"
                if _suspends(child):
                    found.extend(_function(child, qualname, path, messagesOnly))
                visit(child, f"{qualname}.")
            else:
                visit(child, prefix)

    visit(tree, "")
    return found


def scanFiles(paths: Iterable[Path], messagesOnly: bool = False) -> list[Held]:
    """:func:`heldNames` for each file."""
    found: list[Held] = []
    for path in paths:
        found.extend(heldNames(path.read_text(encoding="utf-8"), str(path), messagesOnly))
    return found


if __name__ == "__main__":   # python tests/stress/held_across_yield.py [--messages] FILE...
    import sys
    args = sys.argv[1:]
    only = "--messages" in args
    for held in scanFiles((Path(p) for p in args if p != "--messages"), only):
        print(held)
