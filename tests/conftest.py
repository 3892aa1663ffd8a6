"""Shared fixtures and paths for the test suite."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def root() -> Path:
    """The repository's root folder."""
    return ROOT


def run_tool(name: str, *args: str) -> subprocess.CompletedProcess:
    """Run ``tools/<name>`` with this Python; its output is captured as text."""
    return subprocess.run(
        [sys.executable, str(ROOT / "tools" / name), *args], capture_output=True, text=True
    )
