"""Check this Python environment against the versions pinned in pyproject.toml.

Prints one line per pinned package, OK or FAIL, with the version found, then a summary;
exits 1 when anything fails. The packages the notebooks need are always checked, and so is
every optional extra (``jax``, the JAX backend; ``test``, the maintainers' tools) of which
at least one package is installed, so that a half-installed extra fails; with ``--all``
every extra is checked, installed or not (what ``make test`` installs).

    python tools/check_env.py          # e.g. in a Binder terminal or a conda environment
    make check-env                     # the project's .venv
    python tools/check_env.py --all    # after make test: the runtime, jax and test pins

It needs only the standard library and pip, so it also runs in a half-broken environment.
"""

from __future__ import annotations

import argparse
import importlib.metadata as md
import platform
import re
import sys
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10, which is too old: enough to say so, with pip's copy
    from pip._vendor import tomli as tomllib

try:
    from packaging.markers import Marker
    from packaging.requirements import Requirement
    from packaging.specifiers import SpecifierSet
except ModuleNotFoundError:  # packaging not installed: the copy inside pip
    from pip._vendor.packaging.markers import Marker
    from pip._vendor.packaging.requirements import Requirement
    from pip._vendor.packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^\s*([A-Za-z0-9_.-]+)\s*==\s*([^;\s]+)\s*(?:;\s*(.+))?$")


def _pins(root: Path, extras: str | list[str] | None) -> list[tuple[str, str, str | None]]:
    """(name, pinned version, marker) of the runtime pins and of the ``extras`` asked for:
    a list of names, ``"all"``, or ``"installed"`` (each extra with a package installed)."""
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    optional = project.get("optional-dependencies", {})
    groups = [project["dependencies"]]
    for extra, lines in optional.items():
        if extras == "all" or (isinstance(extras, list) and extra in extras):
            groups.append(lines)
        elif extras == "installed":
            # Installed on purpose: a package of the extra that the runtime pins do not pull
            # in anyway (matplotlib brings Pillow, JupyterLab brings PyYAML).
            pulled = _closure([_parse(line)[0] for line in project["dependencies"]])
            names = [_parse(line)[0] for line in lines]
            if any(_installed(n) and _normal(n) not in pulled for n in names):
                groups.append(lines)
    return [_parse(line) for lines in groups for line in lines]


def _closure(names: list[str]) -> set[str]:
    """Normalised names of the installed distributions ``names`` need, themselves included."""
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if _normal(name) in seen or not _installed(name):
            continue
        seen.add(_normal(name))
        for line in md.requires(name) or []:
            req = Requirement(line)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(req.name)
    return seen


def _parse(line: str) -> tuple[str, str, str | None]:
    match = PIN.match(line)
    if match is None:
        raise ValueError(f"pyproject.toml: not an exact pin: {line!r}")
    return match.groups()


def _installed(name: str) -> bool:
    try:
        md.version(name)
    except md.PackageNotFoundError:
        return False
    return True


def _applies(marker: str | None) -> bool:
    return not marker or Marker(marker).evaluate()


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def check(
    root: Path = ROOT, extras: str | list[str] | None = "installed"
) -> list[tuple[str, str, str, str]]:
    """(status, package, pinned, found) for every pin that applies on this machine: the
    runtime pins, and the extras named (a list), ``"all"`` or ``"installed"`` (default)."""
    rows = []
    for name, pinned, marker in _pins(root, extras):
        if not _applies(marker):
            continue
        try:
            found = md.version(name)
        except md.PackageNotFoundError:
            rows.append(("FAIL", name, pinned, "not installed"))
            continue
        ok = _normal(found) == _normal(pinned)
        rows.append(("OK" if ok else "FAIL", name, pinned, found))
    try:
        found = md.version("lstm_helpers")
        rows.append(("OK", "lstm_helpers", "this folder", found))
    except md.PackageNotFoundError:
        rows.append(("FAIL", "lstm_helpers", "this folder", "not installed: pip install -e ."))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--all", action="store_true", help="check every extra (jax, test), installed or not"
    )
    args = parser.parse_args(argv)
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    py_ok = platform.python_version() in SpecifierSet(requires)
    status = "OK" if py_ok else "FAIL"
    print(f"{status:4s}  {'python':20s} {requires:12s} {platform.python_version()}")
    rows = check(extras="all" if args.all else "installed")
    for status, name, pinned, found in rows:
        print(f"{status:4s}  {name:20s} {pinned:12s} {found}")
    failed = [r for r in rows if r[0] == "FAIL"] + ([] if py_ok else [("FAIL", "python")])
    if failed:
        print(
            f"\nFAIL: {len(failed)} of {len(rows) + 1} checks. Install the tested versions with "
            "`make venv` (or `pip install -e .` in your environment; `make test` for the "
            "extras), or use Binder or Colab."
        )
        return 1
    print(f"\nOK: all {len(rows) + 1} checks passed ({sys.executable}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
