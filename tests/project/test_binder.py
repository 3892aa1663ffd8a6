"""Binder builds from binder/: repo2docker detects the environment file and postBuild."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest


def _clean_copy(root: Path, dest: Path) -> Path:
    """Tracked and new (not ignored) files, as a fresh clone would have them: no .venv or caches."""
    files = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=root,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, files):
        src = root / os.fsdecode(name)
        if src.is_file():
            target = dest / os.fsdecode(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target)
    return dest


def test_postbuild_is_executable_and_installs_the_package(root):
    post = root / "binder" / "postBuild"
    assert post.stat().st_mode & stat.S_IXUSR
    text = post.read_text()
    assert "pip install" in text and " -e ." in text
    assert "OMP_NUM_THREADS" in text and "TF_NUM_INTRAOP_THREADS" in text
    assert "jupyter lab build" not in text.replace("no `jupyter lab build`", "")


def test_repo2docker_uses_binder_environment_and_postbuild(root, tmp_path):
    if not (root / ".git").exists():
        pytest.skip("needs a git checkout to know which files are tracked")
    repo = _clean_copy(root, tmp_path / "repo")
    repo2docker = Path(sys.executable).with_name("repo2docker")
    result = subprocess.run(
        [str(repo2docker), "--no-build", "--debug", str(repo)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    dockerfile = result.stdout + result.stderr
    assert "COPY --chown=0:0 src/binder/environment.yml" in dockerfile
    assert '--file "binder/environment.yml"' in dockerfile
    assert "RUN ./binder/postBuild" in dockerfile
    # The root environment.yml must not be what Binder installs.
    assert '--file "environment.yml"' not in dockerfile
