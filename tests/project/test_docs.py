"""The instructor guide and the README: complete, consistent with each other, linked."""

from __future__ import annotations

import json
import re
import shutil
import sys

import pytest

from conftest import ROOT, run_tool

sys.path.insert(0, str(ROOT / "tools"))

GUIDE = ROOT / "docs" / "instructor-guide.md"
TUTORIALS = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _text(path) -> str:
    return path.read_text(encoding="utf-8")


def _bench_rows(path) -> dict[str, tuple[str, str]]:
    """notebook file name -> (run time, peak memory) from a bench:notebooks table."""
    block = re.search(
        r"<!-- bench:notebooks:start -->(.*?)<!-- bench:notebooks:end -->", _text(path), re.S
    )
    assert block, f"{path.name} has no bench:notebooks table"
    rows = {}
    for line in block.group(1).splitlines():
        match = re.search(r"notebooks/([^)]+\.ipynb)", line)
        if match:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            rows[match.group(1)] = (cells[-2], cells[-1])
    return rows


def test_readme_links_the_guide():
    assert "](docs/instructor-guide.md)" in _text(ROOT / "README.md")


@pytest.mark.parametrize(
    "topic",
    [
        "learning objectives",
        "prerequisites",
        "step zero",
        "setup check",
        "90 minutes",
        "half day",
        "what to say at each step",
        "common learner mistakes",
        "binder is slow",
        "colab",
        "pair",
        "resetting a notebook",
        "make check-env",
        "python tools/check_env.py",
        "real data",
    ],
)
def test_guide_covers(topic):
    assert topic in _text(GUIDE).lower(), f"the instructor guide does not cover {topic!r}"


def test_guide_and_readme_give_the_same_measured_times():
    readme, guide = _bench_rows(ROOT / "README.md"), _bench_rows(GUIDE)
    assert set(readme) == set(guide) == set(TUTORIALS)
    assert readme == guide, "run `python tools/sync_docs_tables.py`: it rewrites both tables"
    for name, (run_time, memory) in readme.items():
        # A notebook `make bench` has not measured yet says so, in both columns.
        if (run_time, memory) == ("not measured", "not measured"):
            continue
        assert re.fullmatch(r"\d+ s", run_time), f"{name}: {run_time!r}; run `make bench`"
        assert re.fullmatch(r"\d+ MB|\d\.\d\d GB", memory), f"{name}: {memory!r}; run `make bench`"


def test_tables_are_written_from_the_benchmark_results():
    result = run_tool("sync_docs_tables.py", "--check")
    assert result.returncode == 0, result.stdout + result.stderr


def _copy_for_tables(root, tmp_path):
    for rel in (
        "README.md",
        "docs/instructor-guide.md",
        "docs/notebooks.toml",
        "benchmarks/results.json",
    ):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(root / rel, tmp_path / rel)
    (tmp_path / "notebooks").mkdir()
    for name in TUTORIALS:
        (tmp_path / "notebooks" / name).write_text("{}")
    return tmp_path


def test_tables_check_fails_on_new_figures_and_a_notebook_without_an_entry(root, tmp_path):
    import sync_docs_tables

    copy = _copy_for_tables(root, tmp_path)
    sync_docs_tables.main([], root=copy)  # in step (figures permitting) before the mutations
    results = json.loads((copy / "benchmarks" / "results.json").read_text())
    results["notebooks"]["rows"] = [
        {"notebook": f"notebooks/{name}", "seconds": 1234.0, "peak_rss_mb": 2048.0}
        for name in TUTORIALS
    ]
    (copy / "benchmarks" / "results.json").write_text(json.dumps(results))
    assert sync_docs_tables.main(["--check"], root=copy) == 1
    assert sync_docs_tables.main([], root=copy) == 0
    assert sync_docs_tables.main(["--check"], root=copy) == 0
    readme = (copy / "README.md").read_text()
    assert readme.count("| 1234 s | 2.00 GB |") == len(TUTORIALS)
    (copy / "notebooks" / "99_new.ipynb").write_text("{}")
    assert sync_docs_tables.main(["--check"], root=copy) == 1


def _schedule(title: str) -> list[int]:
    """Start times in minutes of the schedule table under the heading ``title``."""
    section = _text(GUIDE).split(f"### {title}", 1)[1].split("\n### ", 1)[0]
    times = re.findall(r"^\| (\d):(\d\d) \|", section, re.M)
    return [60 * int(h) + int(m) for h, m in times]


@pytest.mark.parametrize(
    ("title", "minutes"),
    [("90 minutes: notebook 1", 90), ("Half day (3½ hours)", 210)],
)
def test_schedules_run_in_order_and_fit_their_slot(title, minutes):
    times = _schedule(title)
    assert times[0] == 0 and times == sorted(times) and len(set(times)) == len(times)
    assert times[-1] == minutes


@pytest.mark.parametrize("title", ["90 minutes: notebook 1", "Half day (3½ hours)"])
def test_schedules_give_at_least_30_minutes_of_hands_on_exercises(title):
    section = _text(GUIDE).split(f"### {title}", 1)[1].split("\n### ", 1)[0]
    rows = re.findall(r"^\| (\d):(\d\d) \| (.*)$", section, re.M)
    starts = [60 * int(h) + int(m) for h, m, _ in rows]
    hands_on = sum(
        starts[i + 1] - starts[i]
        for i, (_, _, what) in enumerate(rows[:-1])
        if re.search(r"hands-on|exercises of notebook", what, re.I)
    )
    assert hands_on >= 30, f"{title}: {hands_on} minutes of exercises"


@pytest.mark.parametrize("name", TUTORIALS)
def test_readme_shows_a_small_screenshot_of_each_tutorial_or_says_it_has_none(name):
    """The gallery is written by tools/sync_docs_tables.py from what docs/screenshots/ holds."""
    image = ROOT / "docs" / "screenshots" / name.replace(".ipynb", ".png")
    gallery = _text(ROOT / "README.md").split("<!-- screenshots:start -->")[1]
    gallery = gallery.split("<!-- screenshots:end -->")[0]
    if not image.is_file():
        assert "(no screenshot yet: `make screenshots`)" in gallery
        return
    assert f"](docs/screenshots/{image.name})" in gallery
    assert image.stat().st_size < 200_000, f"{image.name} is not small"
    assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
