"""JupyterLab in a real browser: open each tutorial notebook, Run All Cells, save, check.

One JupyterLab server (loopback, random token, every Jupyter folder in a temporary
directory) and one headless Debian Chromium, driven by Playwright, serve the whole module.
The notebooks are copied with their outputs stripped, so every output checked here was
produced in the browser session. A notebook passes when, after Run All Cells, the saved
file has an execution count on every code cell and no ``error`` output. A deliberately
broken notebook in ``tests/fixtures/`` must fail the same check.

Screenshots go to ``build/screenshots/`` (ignored by git); ``tools/screenshots.py`` makes
the small copies the README shows.

Without Chromium (``/usr/bin/chromium``) the tests are skipped, except under ``CI=true``,
where ``.ci/run`` installs it and a missing browser is a failure.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT

pytestmark = pytest.mark.browser

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "build" / "screenshots"
FIXTURES = Path(__file__).parents[1] / "fixtures"
TUTORIALS = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
RUN_TIMEOUT_S = 600  # per notebook; the slowest takes about a minute


def _nab_unavailable() -> str | None:
    """Why notebook 3's NAB data cannot be had (the root conftest's check), or None."""
    spec = importlib.util.spec_from_file_location("root_conftest", ROOT / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.nab_unavailable()


def _need_browser() -> None:
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("playwright (pip install -e '.[test]')")
    if missing:
        why = "browser test needs " + " and ".join(missing)
        if os.environ.get("CI") == "true":
            pytest.fail(why + "; under CI=true this is an error, not a skip")
        pytest.skip(why)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


#: Project files the notebooks read from the clone around them (paths relative to the root).
BESIDE = ["results", "tools/corpus.py", "notebooks/src/03_real_data_nab.py"]


def _stripped_copy(src: Path, dest: Path) -> None:
    nb = nbformat.read(src, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    nbformat.write(nb, dest)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A running JupyterLab on a stripped copy of the notebooks: (base_url, token, folder, home)."""
    _need_browser()
    tmp = tmp_path_factory.mktemp("lab")
    work = tmp / "notebooks"
    work.mkdir()
    for name in TUTORIALS:
        _stripped_copy(ROOT / "notebooks" / name, work / name)
    for fixture in FIXTURES.glob("*.ipynb"):
        _stripped_copy(fixture, work / fixture.name)
    # What notebooks read beside themselves in a clone (notebook 6: the committed corpus
    # results, its runner, and notebook 3's detector cells), at the same relative paths.
    for rel in BESIDE:
        dest = tmp / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        if (ROOT / rel).is_dir():
            shutil.copytree(ROOT / rel, dest)
        else:
            shutil.copy(ROOT / rel, dest)

    dirs = {k: tmp / k.lower() for k in ("CONFIG", "RUNTIME", "DATA", "IPYTHON", "MPL", "HOME")}
    for d in dirs.values():
        d.mkdir()
    settings = tmp / "user-settings"
    notification = settings / "@jupyterlab" / "apputils-extension"
    notification.mkdir(parents=True)
    (notification / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    # Keep every cell in the page, so that every prompt can be read.
    tracker = settings / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True)
    (tracker / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))

    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(dirs["CONFIG"]),
        JUPYTER_RUNTIME_DIR=str(dirs["RUNTIME"]),
        JUPYTER_DATA_DIR=str(dirs["DATA"]),
        IPYTHONDIR=str(dirs["IPYTHON"]),
        MPLCONFIGDIR=str(dirs["MPL"]),
    )
    token = secrets.token_hex(24)
    port = _free_port()
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.token={token}",
        f"--ServerApp.root_dir={work}",
        f"--LabApp.workspaces_dir={tmp / 'workspaces'}",
        f"--LabApp.user_settings_dir={settings}",
        "--LabApp.news_url=None",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    log = (tmp / "server.log").open("w")
    server = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail(
                        "JupyterLab did not start:\n" + (tmp / "server.log").read_text()[-3000:]
                    )
                time.sleep(0.5)
        yield base, token, work, dirs["HOME"]
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="module")
def page(lab):
    from playwright.sync_api import sync_playwright

    _, _, _, home = lab
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=CHROMIUM_FLAGS,
            env={**os.environ, "HOME": str(home)},
        )
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        pg = context.new_page()
        pg.set_default_timeout(60_000)
        yield pg
        context.close()
        browser.close()


def run_all_in_lab(page, lab, name: str) -> nbformat.NotebookNode:
    """Open ``name`` in JupyterLab, Run All Cells from the menu, save; return the saved file."""
    base, token, work, _ = lab
    # A fresh workspace each time, so no tab from an earlier notebook comes back.
    page.goto(f"{base}/lab/workspaces/{uuid.uuid4().hex}/tree/{name}?token={token}")
    panel = page.locator(".jp-NotebookPanel:visible")
    panel.wait_for()
    # The kernel-ready race: the indicator reads idle before a kernel is attached.
    page.wait_for_function(
        """() => {
            const p = [...document.querySelectorAll('.jp-NotebookPanel')]
                .find(e => e.offsetParent !== null);
            if (!p) return false;
            const k = p.querySelector('.jp-Toolbar-kernelName');
            const i = p.querySelector('.jp-Notebook-ExecutionIndicator');
            const name = k ? k.textContent.trim() : '';
            return name && !/no kernel|starting/i.test(name)
                && i && i.getAttribute('data-status') === 'idle';
        }""",
        timeout=120_000,
    )
    # Collapse the file browser (View → Appearance → Show Left Sidebar): wider screenshots.
    if page.locator("#jp-left-stack:visible").count():
        page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^View$")).click()
        page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Appearance$")).hover()
        page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Show Left Sidebar$")).click()
    n_code = len(page.locator(".jp-NotebookPanel:visible .jp-CodeCell").all())
    assert n_code > 0, f"{name}: no code cells rendered"

    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()

    # Finished: some cell has run, none is queued or running, and the kernel is idle.
    page.wait_for_function(
        """() => {
            const p = [...document.querySelectorAll('.jp-NotebookPanel')]
                .find(e => e.offsetParent !== null);
            const prompts = [...p.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')]
                .map(e => e.textContent);
            const i = p.querySelector('.jp-Notebook-ExecutionIndicator');
            return prompts.some(t => /\\[\\d+\\]/.test(t))
                && !prompts.some(t => t.includes('*'))
                && i.getAttribute('data-status') === 'idle';
        }""",
        timeout=RUN_TIMEOUT_S * 1000,
        polling=500,
    )
    # The screenshot shows the notebook's last figure, or its end when it has none.
    figures = page.locator(".jp-NotebookPanel:visible .jp-OutputArea-output img")
    if figures.count():
        figures.last.evaluate("e => e.scrollIntoView({block: 'center'})")
        page.wait_for_timeout(300)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{Path(name).stem}.png"))

    # Save through the UI, then read what JupyterLab wrote.
    page.locator(".jp-NotebookPanel:visible .jp-Notebook").click(position={"x": 5, "y": 5})
    page.keyboard.press("Escape")
    page.keyboard.press("Control+s")
    page.wait_for_function(
        """() => !document.querySelector('.jp-DocumentTab.jp-mod-current.jp-mod-dirty, '
                 + '.lm-TabBar-tab.jp-mod-current.jp-mod-dirty')"""
    )
    path = work / name
    deadline = time.monotonic() + 30
    while True:  # the dirty mark clears when the save request returns; re-read to be sure
        saved = nbformat.read(path, as_version=4)
        if time.monotonic() > deadline or any(
            c.get("execution_count") for c in saved.cells if c.cell_type == "code"
        ):
            break
        time.sleep(0.5)
    _shut_down_kernels(base, token)  # one kernel at a time, like a learner's laptop
    return saved


def _shut_down_kernels(base: str, token: str) -> None:
    headers = {"Authorization": f"token {token}"}
    with urllib.request.urlopen(
        urllib.request.Request(f"{base}/api/sessions", headers=headers)
    ) as r:
        sessions = json.load(r)
    for session in sessions:
        request = urllib.request.Request(
            f"{base}/api/sessions/{session['id']}", headers=headers, method="DELETE"
        )
        urllib.request.urlopen(request).close()


def problems(nb: nbformat.NotebookNode) -> list[str]:
    """What is wrong with a notebook saved after Run All Cells: errors and cells not run."""
    found = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                found.append(f"cell {i}: {out.get('ename')}: {out.get('evalue')}")
        if cell.get("execution_count") is None and cell.source.strip():
            found.append(f"cell {i}: did not run")
    return found


@pytest.mark.parametrize("name", TUTORIALS)
def test_tutorial_runs_in_jupyterlab(page, lab, name):
    reason = _nab_unavailable() if name.startswith("03_") else None
    if reason:
        pytest.skip(f"NAB data unavailable: {reason}")
    saved = run_all_in_lab(page, lab, name)
    assert problems(saved) == [], f"{name} in JupyterLab: {problems(saved)}"


def test_broken_notebook_is_reported(page, lab):
    """The check above can fail: a notebook that raises is caught, with the cell named."""
    saved = run_all_in_lab(page, lab, "broken.ipynb")
    found = problems(saved)
    assert any("ZeroDivisionError" in p for p in found), found
    assert any("did not run" in p for p in found), found
