"""Write environment.yml and binder/environment.yml from pyproject.toml's pins.

pyproject.toml is the single source of truth for versions. The conda environment file
mirrors its runtime dependencies, each with the comment that precedes it there, so that
conda, Binder and pip users get identical versions.

    python tools/sync_env.py          # rewrite both files
    python tools/sync_env.py --check  # exit 1 if either is out of date (used by the tests)
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"
TARGETS = [ROOT / "environment.yml", ROOT / "binder" / "environment.yml"]
ENV_NAME = "lstm-anomaly"
PYTHON = "3.11"


def runtime_dependencies(text: str) -> list[tuple[str, str]]:
    """(comment, requirement) pairs of ``[project] dependencies``, in order."""
    block = re.search(r"^dependencies = \[\n(.*?)^\]", text, flags=re.S | re.M)
    if block is None:
        raise SystemExit("pyproject.toml has no [project] dependencies list")
    pairs: list[tuple[str, str]] = []
    comment = ""
    for line in block.group(1).splitlines():
        line = line.strip()
        if line.startswith("#"):
            comment = line.lstrip("# ").strip()
        elif line:
            requirement = line.rstrip(",").strip().strip('"')
            pairs.append((comment, requirement))
            comment = ""
    return pairs


def python_range(text: str) -> tuple[str, str]:
    """Lowest and highest Python of ``requires-python = ">=3.A,<3.B"``: ("3.A", "3.(B-1)")."""
    match = re.search(r'^requires-python = ">=3\.(\d+),\s*<3\.(\d+)"', text, flags=re.M)
    if match is None:
        raise SystemExit('pyproject.toml: requires-python must read ">=3.A,<3.B"')
    return f"3.{match.group(1)}", f"3.{int(match.group(2)) - 1}"


def render(pairs: list[tuple[str, str]], pythons: tuple[str, str]) -> str:
    lines = [
        "# Conda environment for 'LSTM anomaly detection, step by step'.",
        "# GENERATED from pyproject.toml by tools/sync_env.py: edit the pins there, then run",
        "#   python tools/sync_env.py",
        "# binder/environment.yml is an identical copy, which Binder (repo2docker) installs.",
        "# Only what the notebooks need (TensorFlow is Keras's backend). Not here: the optional",
        "# JAX backend (pip install -e '.[jax]') and the test tools (pip install -e '.[test]').",
        f"name: {ENV_NAME}",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        f"  # the tested Python ({pythons[0]} to {pythons[1]} work)\n  - python={PYTHON}",
        "  # installs everything below from PyPI, at exactly pyproject.toml's pins",
        "  - pip",
        "  - pip:",
    ]
    for comment, requirement in pairs:
        if comment:
            lines.append(f"      # {comment}")
        lines.append(f'      - "{requirement}"')
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check; exit 1 if stale")
    args = parser.parse_args(argv)
    text = PYPROJECT.read_text()
    expected = render(runtime_dependencies(text), python_range(text))
    stale = [p for p in TARGETS if not p.exists() or p.read_text() != expected]
    if args.check:
        for p in stale:
            print(f"{p.relative_to(ROOT)} is out of date: run `python tools/sync_env.py`")
        return 1 if stale else 0
    for p in TARGETS:
        p.parent.mkdir(exist_ok=True)
        p.write_text(expected)
        print(f"wrote {p.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
