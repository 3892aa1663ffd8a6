"""Exercises run in place: every exercise has starter cells that cannot break the tutorial.

The convention (issues 12 and 16): after a tutorial's ``## Exercises`` heading, each
exercise is a Markdown cell tagged ``exercise`` ("### 📝 Exercise N — ...") followed by one
or more code cells tagged ``starter`` with ``# your code here`` placeholders. A starter
assigns only names that start with ``exN_`` (its own N), so it can never reassign a
tutorial variable, and it does not change a tutorial object in place either (no item or
attribute assignment on a tutorial name, no ``fit``/``append``-style call on one). In the
solutions notebook, the code cells after each starter are its solution: they assign only
``exN_`` names too, and every name the starter leaves as a placeholder.

That the tutorials execute top to bottom with their starter cells in them is checked by
``make nbtest`` (nbmake runs every notebook), and that they hold exactly the solutions'
exercise and starter cells by ``tools/build_notebooks.py --check``.
"""

from __future__ import annotations

import ast
import re

import nbformat
import pytest

from conftest import ROOT

TUTORIALS = sorted(p for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb") if p.name[:2] != "00")
PLACEHOLDER = "# your code here"
EXERCISE_HEAD = re.compile(r"^### 📝 Exercise (\d+)\b")
EX_NAME = re.compile(r"^ex(\d+)_")
# Calls that change the object they are called on (a model, a list, a dict, an array).
MUTATING = {"fit", "compile", "set_weights", "append", "extend", "insert", "update", "pop"}
MUTATING |= {"clear", "remove", "sort", "fill", "resize", "setdefault", "add", "discard"}


def _tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def _code(source: str) -> ast.Module:
    """Parse a code cell, IPython magics and shell escapes blanked out."""
    lines = ["" if ln.lstrip().startswith(("%", "!")) else ln for ln in source.splitlines()]
    return ast.parse("\n".join(lines))


def _target_names(target: ast.AST) -> set[str]:
    if isinstance(target, ast.Name):
        return {target.id}
    if isinstance(target, ast.Tuple | ast.List):
        return set().union(*(_target_names(t) for t in target.elts))
    if isinstance(target, ast.Starred):
        return _target_names(target.value)
    return set()  # item or attribute assignment: see _mutations


def _base_name(node: ast.AST) -> str | None:
    while isinstance(node, ast.Attribute | ast.Subscript):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def assigned_names(tree: ast.Module) -> tuple[set[str], set[str]]:
    """(names bound at module level, of which loop targets) by a cell's code.

    Bodies of functions, classes and lambdas are local and skipped (their names count);
    comprehension variables are local, but a walrus anywhere binds at module level.
    """
    names: set[str] = set()
    loops: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
            return
        if isinstance(node, ast.Lambda):
            return
        if isinstance(node, ast.Assign):
            for t in node.targets:
                names.update(_target_names(t))
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            names.update(_target_names(node.target))
        elif isinstance(node, ast.For | ast.AsyncFor):
            found = _target_names(node.target)
            names.update(found)
            loops.update(found)
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            names.update(_target_names(node.optional_vars))
        elif isinstance(node, ast.NamedExpr):
            names.add(node.target.id)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return names, loops


def mutations(tree: ast.Module) -> set[str]:
    """Names whose object a cell changes in place: x[i] = ..., x.a = ..., x.fit(...)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        targets: list[ast.AST] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for t in targets:
            if isinstance(t, ast.Subscript | ast.Attribute):
                found.add(_base_name(t))
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in MUTATING
        ):
            found.add(_base_name(node.func.value))
        if isinstance(node, ast.Delete):
            found.update(_base_name(t) or "" for t in node.targets)
    return {n for n in found if n}


def exercise_groups(cells: list) -> list[tuple[int, object, list, list]]:
    """(N, exercise cell, starter cells, solution code cells) for each exercise, in order."""
    groups = []
    for cell in cells:
        if "exercise" in _tags(cell):
            head = EXERCISE_HEAD.match(cell.source)
            assert head, f"an exercise cell must start '### 📝 Exercise N': {cell.source[:60]!r}"
            groups.append((int(head.group(1)), cell, [], []))
        elif groups and "starter" in _tags(cell):
            groups[-1][2].append(cell)
        elif groups and cell.cell_type == "code":
            groups[-1][3].append(cell)
    return groups


def _own(names: set[str], n: int) -> set[str]:
    """The names that do not belong to exercise ``n``."""
    return {x for x in names if not (m := EX_NAME.match(x)) or int(m.group(1)) != n}


def placeholders(source: str) -> set[str]:
    """Names a starter leaves for the learner: ``name = ...  # your code here``."""
    return {
        m.group(1)
        for m in re.finditer(rf"^(\w+)\s*=.*{re.escape(PLACEHOLDER)}", source, re.MULTILINE)
    }


@pytest.mark.parametrize("path", TUTORIALS, ids=[p.name for p in TUTORIALS])
def test_exercises_have_starters_that_leave_the_tutorial_alone(path):
    cells = nbformat.read(path, as_version=4).cells
    heading = next(
        (
            i
            for i, c in enumerate(cells)
            if c.cell_type == "markdown" and c.source.lstrip().lower().startswith("## exercises")
        ),
        None,
    )
    assert heading is not None, f"{path.name} has no '## Exercises' heading"
    tail = cells[heading + 1 :]
    assert tail and "exercise" in _tags(tail[0]), (
        "the first cell after '## Exercises' is no exercise"
    )
    stray = [c.source[:50] for c in tail if not {"exercise", "starter"} & set(_tags(c))]
    assert not stray, f"cells after '## Exercises' that are neither exercise nor starter: {stray}"

    tutorial_names: set[str] = set()
    for c in cells[:heading]:
        if c.cell_type == "code":
            tutorial_names |= assigned_names(_code(c.source))[0]
    taken = {x for x in tutorial_names if EX_NAME.match(x)}
    assert not taken, f"the tutorial itself uses exercise names: {sorted(taken)}"

    groups = exercise_groups(tail)
    assert [g[0] for g in groups] == list(range(1, len(groups) + 1)), "exercises numbered 1, 2, …"
    for n, _, starters, _ in groups:
        assert starters, f"Exercise {n} has no starter cell after it"
        for cell in starters:
            assert cell.cell_type == "code", f"Exercise {n}: a starter must be a code cell"
            assert PLACEHOLDER in cell.source, f"Exercise {n}: a starter without '{PLACEHOLDER}'"
            tree = _code(cell.source)
            foreign = _own(assigned_names(tree)[0], n)
            assert not foreign, f"Exercise {n}'s starter assigns names not ex{n}_*: {foreign}"
            changed = _own(mutations(tree), n)
            assert not changed, f"Exercise {n}'s starter changes tutorial objects: {changed}"


@pytest.mark.parametrize("path", TUTORIALS, ids=[p.name for p in TUTORIALS])
def test_solutions_fill_in_exactly_the_starters_names(path):
    solutions = ROOT / "notebooks" / "solutions" / path.name.replace(".ipynb", "_solutions.ipynb")
    groups = exercise_groups(nbformat.read(solutions, as_version=4).cells)
    assert groups, f"{solutions.name} has no exercises"
    for n, _, starters, solution in groups:
        assert solution, f"{solutions.name}: Exercise {n} has no solution code"
        wanted = set().union(*(placeholders(c.source) for c in starters))
        names: set[str] = set()
        for c in solution:
            tree = _code(c.source)
            names |= assigned_names(tree)[0]
            changed = _own(mutations(tree), n)
            assert not changed, f"Solution {n} changes objects that are not ex{n}_*: {changed}"
        foreign = _own(names, n)
        assert not foreign, f"Solution {n} assigns names that are not ex{n}_*: {sorted(foreign)}"
        missing = wanted - names
        assert not missing, f"Solution {n} leaves starter names unfilled: {sorted(missing)}"


# --- the rules themselves, on small planted cells --------------------------------------------


def test_assigned_names_sees_every_binding():
    tree = _code(
        "a = 1\nb, (c, *d) = x\ne += 1\nfor f in y:\n    g = f\nwith h() as i:\n    pass\n"
        "import j.k\nfrom l import m as n\ndef o():\n    p = 1\nq = [r for r in s]\n"
        "[(t := u) for u in v]\n%matplotlib inline\n"
    )
    names, loops = assigned_names(tree)
    assert names == set("abcdefgijnoqt")
    assert loops == {"f"}


def test_mutations_catches_in_place_changes():
    tree = _code("x[0] = 1\ny.attr = 2\nz[1:] += 3\nmodel.fit(a, a)\nseries.sort()\nok = w[0]\n")
    assert mutations(tree) == {"x", "y", "z", "model", "series"}


def test_a_starter_that_reassigns_a_tutorial_name_is_caught():
    starter = "ex3_series = base.copy()\nshifted = ex3_series  # your code here\n"
    assert _own(assigned_names(_code(starter))[0], 3) == {"shifted"}
    assert _own({"ex3_a", "ex30_b", "ex4_c"}, 3) == {"ex30_b", "ex4_c"}
    assert placeholders("ex1_a = 10\nex1_b = None  # your code here: fit\n") == {"ex1_b"}
