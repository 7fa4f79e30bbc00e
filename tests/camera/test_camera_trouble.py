"""A camera that is not there, a file that is not a video, OpenCV not installed: one clear line,
exit status 1, and the event database is left exactly as it was."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from checkin_desk import cli
from checkin_desk.camera import CameraError, CameraScanner, open_source
from checkin_desk.camera.sources import without_secrets
from tests.camera.fixtures import recorded
from tests.desk_faults import ROOT


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


def test_without_the_camera_extra_the_desk_says_so_once_and_scans_what_is_typed(camera_event):
    # cv2 blocked in the desk's own process: `import cv2` raises ImportError, as when not installed.
    program = "import sys; sys.modules['cv2'] = None; from checkin_desk import cli; sys.exit(cli.main(sys.argv[1:]))"
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            program,
            "--db",
            str(camera_event),
            "desk",
            "--camera",
            "0",
            "--print-wait",
            "0",
        ],
        input="SCE-CAM-1\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    # No printer at this desk: the badge queued stays queued, which makes the exit status 1.
    assert result.returncode == 1 and "not printed, still queued" in result.stderr, result.stderr
    camera_lines = [line for line in result.stderr.splitlines() if "camera" in line]
    assert len(camera_lines) == 1
    assert "pip install 'checkin-desk[camera]'" in camera_lines[0]
    assert "typed scans still count" in camera_lines[0]
    assert result.stdout.split()[0] == "ok"
    assert recorded(camera_event) == [("SCE-CAM-1", "ok")]


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


@pytest.mark.parametrize(
    ("address", "shown"),
    [
        ("rtsp://desk:s3cret@10.0.0.9/live", "rtsp://desk:***@10.0.0.9/live"),
        ("http://10.0.0.9/video?user=admin&pwd=s3cret", "http://10.0.0.9/video?user=admin&pwd=***"),
        ("http://10.0.0.9/v.cgi?password=s3cret&res=hd", "http://10.0.0.9/v.cgi?password=***&res=hd"),
        ("http://10.0.0.9/v?token=s3cret", "http://10.0.0.9/v?token=***"),
        ("http://10.0.0.9/v?res=hd&KEY=s3cret#x", "http://10.0.0.9/v?res=hd&KEY=***#x"),
        ("http://a:b@10.0.0.9/v?pass=s3cret", "http://a:***@10.0.0.9/v?pass=***"),
        ("http://10.0.0.9/v?keyframe=1", "http://10.0.0.9/v?keyframe=1"),
    ],
)
def test_a_stream_address_is_shown_without_its_secrets(address, shown):
    assert without_secrets(address) == shown


class Refusing(BaseHTTPRequestHandler):
    """An IP camera that wants other credentials: 401 to every request."""

    def do_GET(self):
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Basic realm="camera"')
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_args):
        pass


@pytest.fixture
def refusing_camera():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Refusing)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_camera_refusing_the_password_in_the_query_string_says_so_without_it(
    capsys, camera_event, refusing_camera
):
    before = digest(camera_event)
    status, err = run(capsys, camera_event, f"http://{refusing_camera}/video?user=admin&pwd=s3cret")
    assert status == 1
    assert "s3cret" not in err
    assert err.strip() == (
        f"checkin-desk: camera: stream http://{refusing_camera}/video?user=admin&pwd=*** refused the "
        "user name or password (check them in the camera's app); nothing was recorded"
    )
    assert digest(camera_event) == before


def test_ffmpeg_says_nothing_of_its_own_beside_the_one_line(camera_event, tmp_path):
    junk = tmp_path / "holiday.mp4"
    junk.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 4000)  # an mp4 without its index
    for source in ("http://127.0.0.1:9/video", str(junk)):  # nothing listens on port 9
        result = subprocess.run(
            [sys.executable, "-m", "checkin_desk", "--db", str(camera_event), "desk", "--camera", source],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
        )
        assert result.returncode == 1
        assert len(result.stderr.splitlines()) == 1, result.stderr
        assert result.stderr.startswith("checkin-desk: camera: cannot open")


def test_a_device_file_is_not_called_missing(capsys, camera_event):
    status, err = run(capsys, camera_event, "/dev/null")
    assert status == 1
    assert err.strip() == (
        "checkin-desk: camera: /dev/null is a device, not a video file (a camera is given by its "
        "number: 0, 1...); nothing was recorded"
    )


def test_an_empty_camera_is_a_usage_error(capsys, camera_event):
    before = digest(camera_event)
    assert cli.main(["--db", str(camera_event), "desk", "--camera", "  "]) == 2
    assert (
        "argument --camera: give a device number (0), a video file or a stream URL" in capsys.readouterr().err
    )
    assert digest(camera_event) == before
