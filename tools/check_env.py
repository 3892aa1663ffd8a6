"""Check this Python environment against the versions pinned in pyproject.toml.

Prints one line per pinned package, OK or FAIL, with the version found, then a summary;
exits 1 when anything fails. The packages the notebooks need are always checked; with
``--all`` (what ``make check-env`` runs) the test tools are checked too.

    python tools/check_env.py          # e.g. in a Binder terminal or a conda environment
    make check-env                     # the project's .venv, test tools included

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
    from packaging.specifiers import SpecifierSet
except ModuleNotFoundError:  # packaging not installed: the copy inside pip
    from pip._vendor.packaging.markers import Marker
    from pip._vendor.packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^\s*([A-Za-z0-9_.-]+)\s*==\s*([^;\s]+)\s*(?:;\s*(.+))?$")


def _pins(root: Path, include_test: bool) -> list[tuple[str, str, str | None]]:
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    lines = list(project["dependencies"])
    if include_test:
        lines += project["optional-dependencies"]["test"]
    pins = []
    for line in lines:
        match = PIN.match(line)
        if match is None:
            raise ValueError(f"pyproject.toml: not an exact pin: {line!r}")
        pins.append(match.groups())
    return pins


def _applies(marker: str | None) -> bool:
    return not marker or Marker(marker).evaluate()


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def check(root: Path = ROOT, include_test: bool = False) -> list[tuple[str, str, str, str]]:
    """(status, package, pinned, found) for every pin that applies on this machine."""
    rows = []
    for name, pinned, marker in _pins(root, include_test):
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
    parser.add_argument("--all", action="store_true", help="also check the test tools")
    args = parser.parse_args(argv)
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    py_ok = platform.python_version() in SpecifierSet(requires)
    status = "OK" if py_ok else "FAIL"
    print(f"{status:4s}  {'python':20s} {requires:12s} {platform.python_version()}")
    rows = check(include_test=args.all)
    for status, name, pinned, found in rows:
        print(f"{status:4s}  {name:20s} {pinned:12s} {found}")
    failed = [r for r in rows if r[0] == "FAIL"] + ([] if py_ok else [("FAIL", "python")])
    if failed:
        print(
            f"\nFAIL: {len(failed)} of {len(rows) + 1} checks. Install the tested versions with "
            "`make venv` (or `pip install -e .` in your environment), or use Binder or Colab."
        )
        return 1
    print(f"\nOK: all {len(rows) + 1} checks passed ({sys.executable}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
