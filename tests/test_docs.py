"""The instructor guide and the README: complete, consistent with each other, linked."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT

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
    assert readme == guide, "run `make bench`: it rewrites both tables"
    for run_time, memory in readme.values():
        assert re.fullmatch(r"\d+ s", run_time) and re.fullmatch(r"\d+ MB|\d\.\d\d GB", memory)


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
def test_readme_shows_a_small_screenshot_of_each_tutorial(name):
    image = ROOT / "docs" / "screenshots" / name.replace(".ipynb", ".png")
    assert f"](docs/screenshots/{image.name})" in _text(ROOT / "README.md")
    assert image.is_file(), f"missing {image.relative_to(ROOT)}: run tools/screenshots.py"
    assert image.stat().st_size < 200_000, f"{image.name} is not small"
    assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
