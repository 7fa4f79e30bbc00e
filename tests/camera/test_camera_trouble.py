"""A camera that is not there, a file that is not a video, OpenCV not installed: one clear line,
exit status 1, and the event database is left exactly as it was."""

from __future__ import annotations

import hashlib
import sys

import pytest

from checkin_desk import cli
from checkin_desk.camera import CameraError, CameraScanner, open_source


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(capsys, db, source) -> tuple[int, str]:
    status = cli.main(["--db", str(db), "desk", "--camera", source])
    captured = capsys.readouterr()
    assert captured.out == ""  # no scan line, no banner
    return status, captured.err


def unused_device() -> str:
    return "63"  # /dev/video63: no machine of ours has that many cameras


def test_missing_device(capsys, camera_event):
    before = digest(camera_event)
    status, err = run(capsys, camera_event, unused_device())
    assert status == 1
    assert err.strip() == (
        "checkin-desk: camera: no camera found at camera 63 (is it plugged in, or used by another "
        "program?); nothing was recorded"
    )
    assert digest(camera_event) == before


def test_a_file_that_is_not_a_video(capsys, camera_event, tmp_path):
    junk = tmp_path / "holiday.avi"
    junk.write_bytes(b"RIFF this is not a video" * 100)
    before = digest(camera_event)
    status, err = run(capsys, camera_event, str(junk))
    assert status == 1
    assert f"cannot open video file {junk}: not a video OpenCV can read" in err
    assert digest(camera_event) == before


def test_a_missing_file(capsys, camera_event, tmp_path):
    status, err = run(capsys, camera_event, str(tmp_path / "gone.avi"))
    assert status == 1
    assert "no such video file" in err and "gone.avi" in err


def test_without_the_camera_extra(capsys, camera_event, monkeypatch):
    monkeypatch.setitem(sys.modules, "cv2", None)  # import cv2 raises ImportError, as when not installed
    before = digest(camera_event)
    status, err = run(capsys, camera_event, "0")
    assert status == 1
    assert "pip install 'checkin-desk[camera]'" in err
    assert err.count("\n") == 1
    assert digest(camera_event) == before


def test_a_stream_address_hides_its_password():
    with pytest.raises(CameraError) as raised:
        open_source("rtsp://desk:s3cret@127.0.0.1:9/stream")  # nothing listens on port 9
    assert "s3cret" not in str(raised.value)
    assert "rtsp://desk:***@127.0.0.1:9/stream" in str(raised.value)


def test_the_loop_reports_a_source_it_cannot_open_once():
    ends = []
    scanner = CameraScanner(unused_device(), on_code=lambda *_: pytest.fail("no code"), on_end=ends.append)
    reason = scanner.run()
    assert ends == [reason]
    assert reason.startswith("no camera found at camera 63")
