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


def test_a_code_shown_again_after_the_hold_is_a_second_scan_when_the_file_plays_fast(
    camera_set, camera_event, tmp_path
):
    """The same code, 3.5 s of nothing (more than the camera's 3 s hold), the same code again: at 10
    frames/s of the file's clock, decoded in a fraction of a second of the wall's. Played live it
    is the first entry, then a re-entry; the file must give the same two rows, not one row twice."""
    from checkin_desk.camera.dedupe import HOLD_S
    from checkin_desk.storage.store import Store
    from tests.camera.fixtures import FPS, SIZE, _event
    from tests.camera.scenes import SceneMaker, Shot, write_video

    store = Store.open(camera_event)
    categories = store.categories()
    store.close()
    gap = int((HOLD_S + 0.5) * FPS)
    maker = SceneMaker(SIZE, _event(), categories, seed=7)
    shot = Shot("SCE-CAM-1", "badge-thermal")
    frames = [frame for frame, _code in maker.frames([shot], 6, gap)]
    frames += [frame for frame, _code in maker.frames([shot], 6, 2)]
    video = write_video(tmp_path / "again.avi", frames, SIZE, FPS)
    result = run_desk(camera_event, "--camera", str(video), "--json", "--print-wait", "0")
    # No printer at this desk: the badge queued stays queued, which makes the exit status 1.
    assert result.returncode == 1 and "not printed, still queued" in result.stderr, result.stderr
    import json

    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(o["status"], o["duplicate_read"]) for o in objects] == [
        ("ok", False),
        ("already_checked_in", False),
    ]
    assert objects[0]["scan_uuid"] != objects[1]["scan_uuid"]
    assert recorded(camera_event) == [("SCE-CAM-1", "ok"), ("SCE-CAM-1", "already_checked_in")]
