"""The printing benchmark prints figures, not one renderer warning per badge (the Brother QL's 62 mm
label shortens the event line on its badges). Run as a process: pytest's own log capture would hide
what a terminal shows."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_brother_ql_figures_come_without_a_warning_per_badge():
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_printing", "--language", "brother-ql", "--scans", "6"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "badge BENCH-" not in done.stdout + done.stderr  # no "badge BENCH-00003: event shortened ..."
    assert "brother-ql  QL-820NWB/62" in done.stdout  # the figures are there
    assert re.search(r"text shortened to fit the label: \d+ times", done.stdout)  # said once, as a count
