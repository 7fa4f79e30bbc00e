"""The terminal desk with a camera: a generated video as the source; each code held up is one
scan line and one scan row, in order, none missed and none doubled."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.camera.fixtures import recorded
from tests.desk_faults import ROOT


def run_desk(db: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "checkin_desk", "--db", str(db), "--desk", "side-door", "desk", *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


def test_every_code_in_the_video_is_one_scan_in_order(camera_set, camera_event):
    result = run_desk(camera_event, "--camera", str(camera_set.video), "--print-wait", "0")
    # No printer at this desk: the badges queued stay queued, which makes the exit status 1.
    assert result.returncode == 1 and "not printed, still queued" in result.stderr, result.stderr
    assert recorded(camera_event) == camera_set.expected
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == [status for _code, status in camera_set.expected]
    assert "Benoît Lefèvre" in lines[0] and "badge queued" in lines[0]
    assert "SCE-CAM-404" in lines[-1] and "REFUSE: unknown code" in lines[-1]
    assert f"{camera_set.frames} frames" in result.stderr


def test_json_lines_name_each_code(camera_set, camera_event):
    import json

    result = run_desk(camera_event, "--camera", str(camera_set.video), "--json", "--print-wait", "0")
    # No printer at this desk: the badges queued stay queued, which makes the exit status 1.
    assert result.returncode == 1 and "not printed, still queued" in result.stderr, result.stderr
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["status"] for o in objects] == [status for _code, status in camera_set.expected]
    assert objects[-1]["code"] == "SCE-CAM-404"
