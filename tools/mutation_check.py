"""On-demand mutation check: do the tests catch small, real changes of a module? (results: docs/mutation.md)

For each module given, every mutation site found with :mod:`ast` becomes one mutant (a copy of the module with
that one change): comparison operators flipped or shifted (``<`` -> ``<=``, ``>=``), ``+``/``-`` and ``*``/``/``
swapped, numbers ``c`` -> ``c + 1`` and ``0``, ``True``/``False`` swapped, ``if``/``while``/``x if c else y``
conditions negated, ``not`` and unary minus dropped, ``and``/``or`` swapped, ``return value`` -> ``return None``.
Each mutant runs the selected tests (stopping at the first failure) with a per-mutant timeout: a failing run
*kills* the mutant, a passing one lets it *survive* (the tests do not notice the change), a run past the
timeout counts as killed too (reported apart). Score = (killed + timeout) / mutants.

The shared working tree is never written: the check copies ``source/``, ``tests/``, ``scripts/`` and
``pyproject.toml`` to a temporary folder, runs pytest there with ``PYTHONPATH`` on the copy's package (the
package is installed editable from this checkout; the check verifies the tests import the copy), writes each
mutant over the copy's module and always restores it (``try``/``finally``, also on Ctrl-C).

Usage (from the repository root)::

    .venv/bin/python tools/mutation_check.py \\
        --module source/ext_walk_minutes/ext_walk_minutes/rl/bootstrap.py \\
        --tests "tests/rl/test_bootstrap.py::test_bootstrapped_rewards_adds_gamma_v_on_time_outs_only" \\
        --out /tmp/mutation/bootstrap

``--only NAME`` keeps the mutants inside top-level functions or classes of that name (repeatable),
``--max-mutants N --seed S`` samples N of them (slow test selections), ``--list`` only prints the mutants.
Results: ``OUT/mutation.md`` (a table per mutant, survivors first) and ``OUT/mutation.json``.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE_ROOT = Path("source/ext_walk_minutes")  # the folder that holds the importable package, relative to REPO
COPIED = ("source", "tests", "scripts", "pyproject.toml")

COMPARE_SWAPS = {
    ast.Lt: (ast.LtE, ast.GtE),
    ast.LtE: (ast.Lt, ast.Gt),
    ast.Gt: (ast.GtE, ast.LtE),
    ast.GtE: (ast.Gt, ast.Lt),
    ast.Eq: (ast.NotEq,),
    ast.NotEq: (ast.Eq,),
    ast.Is: (ast.IsNot,),
    ast.IsNot: (ast.Is,),
    ast.In: (ast.NotIn,),
    ast.NotIn: (ast.In,),
}
BINOP_SWAPS = {
    ast.Add: (ast.Sub,),
    ast.Sub: (ast.Add,),
    ast.Mult: (ast.Div,),
    ast.Div: (ast.Mult,),
    ast.FloorDiv: (ast.Div,),
    ast.Mod: (ast.FloorDiv,),
    ast.Pow: (ast.Mult,),
}
SYMBOL = {
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.In: "in",
    ast.NotIn: "not in",
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.Pow: "**",
    ast.And: "and",
    ast.Or: "or",
}


@dataclass
class Mutant:
    """One mutation: the ``index``-th node of ``ast.walk`` order changed by ``kind`` (``arg`` picks the variant)."""

    module: str
    index: int
    kind: str
    arg: int
    line: int
    scope: str
    description: str
    status: str = "pending"  # killed | survived | timeout | pending
    seconds: float = 0.0


def _docstring_nodes(tree: ast.AST) -> set[int]:
    """ids of the docstring constants (never mutated)."""
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def _annotation_nodes(tree: ast.AST) -> set[int]:
    """ids of every node inside a type annotation or a ``from __future__`` import (never mutated)."""
    ids = set()
    roots = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            roots += [a.annotation for a in node.args.args + node.args.kwonlyargs + node.args.posonlyargs]
            roots += [node.args.vararg and node.args.vararg.annotation, node.args.kwarg and node.args.kwarg.annotation]
            roots.append(node.returns)
        elif isinstance(node, ast.AnnAssign):
            roots.append(node.annotation)
    for root in roots:
        if root is not None:
            ids.update(id(n) for n in ast.walk(root))
    return ids


def _scopes(tree: ast.Module) -> dict[int, str]:
    """id of every node -> name of its top-level function or class ('<module>' outside them)."""
    scope = {}
    for top in tree.body:
        name = top.name if isinstance(top, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) else "<module>"
        for node in ast.walk(top):
            scope[id(node)] = name
    return scope


def _variants(node: ast.AST) -> list[tuple[str, int]]:
    """(kind, arg) of every mutation that applies to ``node``."""
    out = []
    if isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            out += [("compare", i * 10 + k) for k in range(len(COMPARE_SWAPS.get(type(op), ())))]
    elif isinstance(node, (ast.BinOp, ast.AugAssign)):
        out += [("binop", k) for k in range(len(BINOP_SWAPS.get(type(node.op), ())))]
    elif isinstance(node, ast.BoolOp):
        out.append(("boolop", 0))
    elif isinstance(node, ast.Constant) and isinstance(node.value, bool):
        out.append(("bool", 0))
    elif isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        out.append(("number", 0))
        if node.value != 0:
            out.append(("number", 1))
    elif isinstance(node, (ast.If, ast.While, ast.IfExp)):
        out.append(("negate", 0))
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Not, ast.USub)):
        out.append(("unary", 0))
    elif (
        isinstance(node, ast.Return)
        and node.value is not None
        and not (isinstance(node.value, ast.Constant) and node.value.value is None)
    ):
        out.append(("return", 0))
    return out


def _apply(node: ast.AST, kind: str, arg: int) -> tuple[ast.AST, str]:
    """Mutate ``node`` in place (or return its replacement) and describe the change."""
    where = f" in `{ast.unparse(node)[:60]}`"
    if kind == "compare":
        i, k = divmod(arg, 10)
        old = type(node.ops[i])
        new = COMPARE_SWAPS[old][k]
        node.ops[i] = new()
        return node, f"`{SYMBOL[old]}` -> `{SYMBOL[new]}`{where}"
    if kind == "binop":
        old = type(node.op)
        new = BINOP_SWAPS[old][arg]
        node.op = new()
        return node, f"`{SYMBOL[old]}` -> `{SYMBOL[new]}`{where}"
    if kind == "boolop":
        old = type(node.op)
        node.op = ast.Or() if old is ast.And else ast.And()
        return node, f"`{SYMBOL[old]}` -> `{SYMBOL[type(node.op)]}`{where}"
    if kind == "bool":
        node.value = not node.value
        return node, f"`{not node.value}` -> `{node.value}`"
    if kind == "number":
        old = node.value
        node.value = old + 1 if arg == 0 else type(old)(0)
        return node, f"`{old!r}` -> `{node.value!r}`"
    if kind == "negate":
        text = ast.unparse(node.test)
        node.test = ast.UnaryOp(op=ast.Not(), operand=node.test)
        return node, f"condition `{text}` negated"
    if kind == "unary":
        return node.operand, f"`{ast.unparse(node)}` -> `{ast.unparse(node.operand)}`"
    if kind == "return":
        text = ast.unparse(node.value)
        node.value = ast.Constant(value=None)
        return node, f"`return {text[:60]}` -> `return None`"
    raise ValueError(kind)


class _Replace(ast.NodeTransformer):
    def __init__(self, target: ast.AST, replacement: ast.AST):
        self.target, self.replacement = target, replacement

    def visit(self, node):
        if node is self.target:
            return self.replacement
        return super().visit(node)


def mutate(source: str, index: int, kind: str, arg: int) -> tuple[str, str, int]:
    """The module text with mutation (index, kind, arg) applied, its description and line."""
    tree = ast.parse(source)
    node = list(ast.walk(tree))[index]
    line = getattr(node, "lineno", 0)
    replacement, description = _apply(node, kind, arg)
    if replacement is not node:
        tree = _Replace(node, replacement).visit(tree)
    return ast.unparse(ast.fix_missing_locations(tree)), description, line


def mutants_of(module: Path, only: set[str]) -> list[Mutant]:
    """Every mutant of ``module`` (relative to the repository), in source order; no-op mutants dropped."""
    source = (REPO / module).read_text()
    tree = ast.parse(source)
    skip = _docstring_nodes(tree) | _annotation_nodes(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            skip.update(id(n) for n in ast.walk(node))
    scope = _scopes(tree)
    baseline = ast.unparse(tree)
    out = []
    for index, node in enumerate(ast.walk(tree)):
        if id(node) in skip or (only and scope.get(id(node)) not in only):
            continue
        for kind, arg in _variants(node):
            text, description, line = mutate(source, index, kind, arg)
            if text != baseline:
                out.append(Mutant(str(module), index, kind, arg, line, scope.get(id(node), "?"), description))
    return sorted(out, key=lambda m: (m.line, m.index, m.kind, m.arg))


def make_copy() -> Path:
    """A copy of the parts of the repository the tests need, without caches."""
    root = Path(tempfile.mkdtemp(prefix="mutation_check_"))
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", "logs", "outputs")
    for name in COPIED:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, root / name, ignore=ignore, symlinks=True)
        elif src.exists():
            shutil.copy2(src, root / name)
    return root


def run_tests(root: Path, tests: list[str], timeout: float) -> tuple[str, float, str]:
    """Run pytest in the copy: ('passed' | 'failed' | 'timeout', seconds, output tail)."""
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join([str(root / PACKAGE_ROOT), str(root / "tests")]),
        PYTHONDONTWRITEBYTECODE="1",
        OMP_NUM_THREADS=os.environ.get("OMP_NUM_THREADS", "1"),
    )
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "--no-header", *tests]
    start = time.monotonic()
    try:
        proc = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "timeout", time.monotonic() - start, ""
    tail = (proc.stdout + proc.stderr)[-2000:]
    return ("passed" if proc.returncode == 0 else "failed"), time.monotonic() - start, tail


def check_import_target(root: Path) -> str:
    """Where the tests' interpreter imports the package from; must be the copy."""
    env = dict(os.environ, PYTHONPATH=str(root / PACKAGE_ROOT))
    out = subprocess.run(
        [sys.executable, "-c", "import ext_walk_minutes; print(ext_walk_minutes.__file__)"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not Path(out).resolve().is_relative_to(root.resolve()):
        raise SystemExit(f"the tests would import {out}, not the copy in {root}: mutants would not be tested")
    return out


def report(mutants: list[Mutant], tests: list[str], out: Path, baseline_s: float) -> str:
    lines = ["# Mutation check", "", f"Tests: `{' '.join(tests)}` (baseline run {baseline_s:.1f} s)", ""]
    for module in dict.fromkeys(m.module for m in mutants):
        mine = [m for m in mutants if m.module == module]
        done = [m for m in mine if m.status != "pending"]
        killed = sum(m.status == "killed" for m in done)
        timeout = sum(m.status == "timeout" for m in done)
        survived = [m for m in done if m.status == "survived"]
        score = (killed + timeout) / len(done) if done else float("nan")
        lines += [
            f"## `{module}`",
            "",
            f"{len(done)} mutants run: {killed} killed, {timeout} timeout, {len(survived)} survived; "
            f"score {100 * score:.1f}%",
            "",
            "| status | line | scope | mutation | s |",
            "|---|---|---|---|---|",
        ]
        order = {"survived": 0, "timeout": 1, "killed": 2, "pending": 3}
        for m in sorted(mine, key=lambda m: (order[m.status], m.line)):
            lines.append(f"| {m.status} | {m.line} | {m.scope} | {m.description} | {m.seconds:.1f} |")
        lines.append("")
    text = "\n".join(lines)
    out.mkdir(parents=True, exist_ok=True)
    (out / "mutation.md").write_text(text)
    (out / "mutation.json").write_text(json.dumps([asdict(m) for m in mutants], indent=1))
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--module", action="append", required=True, help="module file, relative to the repository")
    parser.add_argument("--tests", nargs="+", required=True, help="pytest node ids or paths (relative)")
    parser.add_argument("--only", action="append", default=[], help="top-level function/class names to mutate")
    parser.add_argument("--max-mutants", type=int, default=0, help="sample this many (0: all)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=0.0, help="per mutant, s (0: 3 x baseline + 30 s)")
    parser.add_argument("--out", type=Path, default=Path("/tmp/mutation_check"))
    parser.add_argument(
        "--survivors-of",
        type=Path,
        help="rerun only the survivors of this earlier mutation.json "
        "(its other results are kept): the 'after' score once tests were added",
    )
    parser.add_argument("--list", action="store_true", help="print the mutants and stop")
    parser.add_argument("--keep", action="store_true", help="keep the temporary copy")
    args = parser.parse_args(argv)

    mutants = [m for module in args.module for m in mutants_of(Path(module), set(args.only))]
    if args.survivors_of:
        earlier = [Mutant(**row) for row in json.loads(args.survivors_of.read_text())]
        current = {(m.module, m.index, m.kind, m.arg): m.description for m in mutants}
        for m in earlier:
            if current.get((m.module, m.index, m.kind, m.arg)) != m.description:
                raise SystemExit(f"{m.module} changed since {args.survivors_of}: run the whole check again")
            m.status = "pending" if m.status == "survived" else m.status
        mutants = earlier
    elif args.max_mutants and len(mutants) > args.max_mutants:
        mutants = sorted(random.Random(args.seed).sample(mutants, args.max_mutants), key=lambda m: (m.module, m.line))
    if args.list:
        for m in mutants:
            print(f"{m.module}:{m.line} [{m.scope}] {m.description}")
        print(f"{len(mutants)} mutants")
        return 0

    root = make_copy()
    try:
        print(f"copy: {root}; tests import {check_import_target(root)}", flush=True)
        status, baseline_s, tail = run_tests(root, args.tests, timeout=3600)
        if status != "passed":
            print(tail)
            raise SystemExit("the selected tests fail on the unmutated code: fix that first")
        timeout = args.timeout or 3 * baseline_s + 30
        todo = sum(m.status == "pending" for m in mutants)
        print(f"baseline passes in {baseline_s:.1f} s; {todo} mutants to run, timeout {timeout:.0f} s each", flush=True)
        for n, m in enumerate(mutants, 1):
            if m.status != "pending":
                continue
            target = root / m.module
            original = target.read_text()
            text, _, _ = mutate(original, m.index, m.kind, m.arg)
            try:
                target.write_text(text)
                result, m.seconds, _ = run_tests(root, args.tests, timeout)
            finally:
                target.write_text(original)
            m.status = {"passed": "survived", "failed": "killed", "timeout": "timeout"}[result]
            print(f"[{n}/{len(mutants)}] {m.status:8s} {m.module}:{m.line} [{m.scope}] {m.description}", flush=True)
            report(mutants, args.tests, args.out, baseline_s)
    finally:
        if args.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    print(report(mutants, args.tests, args.out, baseline_s))
    return 0


if __name__ == "__main__":
    sys.exit(main())
