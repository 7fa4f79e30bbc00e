"""Where frames come from: a device index ("0"), a video file, or a stream URL (RTSP, HTTP MJPEG:
how a phone app turns a phone into a network camera), all through OpenCV's VideoCapture.

OpenCV (`opencv-python-headless`) is an optional extra: one library opens devices, files and
network streams on Linux, Windows and macOS, and it brings no Qt of its own (Qt Multimedia would
need PySide6-Addons, ~400 MB, and opens devices only). Any trouble opening a source is a
`CameraError` with a sentence for the operator; nothing else changes.
"""

from __future__ import annotations

import base64
import os
import re
import stat
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checkin_desk.errors import CheckinDeskError

INSTALL_HINT = "pip install 'checkin-desk[camera]'"
STREAM_SCHEMES = ("rtsp://", "rtsps://", "http://", "https://", "udp://", "tcp://")
OPEN_TIMEOUT_MS = 5000  # a phone that left the Wi-Fi must not hang the desk
READ_TIMEOUT_MS = 5000


# Query parameters that IP cameras take credentials in (`?user=admin&pwd=...`): masked in messages.
SECRET_PARAMS = re.compile(
    r"([?&;](?:pwd|pass|passwd|password|token|key|apikey|api_key|access_token|secret|auth|sig)=)[^&;#]*",
    re.IGNORECASE,
)


class CameraError(CheckinDeskError):
    """Expected trouble with the camera: no extra installed, no such device, not a video.

    `key` and `words` name the sentence, so that the window can say it in the operator's language
    (gui/camera_text.py); str() is the English one for the terminal and the log."""

    def __init__(self, text: str, key: str = "", **words: str):
        super().__init__(text)
        self.key = key
        self.words = words


class CameraMissing(CameraError):
    """OpenCV, the camera extra, is not installed: the desk goes on without a camera."""


@dataclass(slots=True)
class Frame:
    image: Any  # numpy array, BGR
    at: float  # seconds: the file's own clock, or the monotonic clock for live sources
    index: int
    grabbed: float  # time.perf_counter() when it was read: frame -> outcome latency starts here


def cv2_module():
    """OpenCV, or a CameraError that says how to install it."""
    # Trouble is said once in our words: OpenCV's warnings and ffmpeg's own lines ("[tcp @ 0x…]
    # Connection refused", "moov atom not found") would print beside it, before cv2 even returns.
    # Both are read when cv2 loads, so they are set first.
    os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")
    os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")  # AV_LOG_QUIET
    try:
        import cv2
    except ImportError as exc:
        raise CameraMissing(
            f"the camera needs the optional part OpenCV: {INSTALL_HINT} ({exc})", "no_extra"
        ) from exc
    return cv2


def is_stream(spec: str) -> bool:
    return spec.lower().startswith(STREAM_SCHEMES)


def describe_source(spec: str) -> str:
    spec = spec.strip()
    if spec.isdigit():
        return f"camera {spec}"
    if is_stream(spec):
        return f"stream {without_secrets(spec)}"
    return f"video file {spec}"


def without_secrets(url: str) -> str:
    """The address as it may be shown: rtsp://user:secret@host/ -> rtsp://user:***@host/, and
    ?user=admin&pwd=secret -> ?user=admin&pwd=*** (addresses reach logs and the screen)."""
    scheme, sep, rest = url.partition("://")
    userinfo, at, host = rest.partition("@")
    if at and ":" in userinfo and "/" not in userinfo:
        rest = f"{userinfo.split(':', 1)[0]}:***@{host}"
    return SECRET_PARAMS.sub(r"\1***", f"{scheme}{sep}{rest}")


def http_refusal(url: str, timeout_s: float = 3.0) -> str:
    """Why an HTTP camera that OpenCV could not open said no, when it said so with a status:
    "refused" (401/403: the user name or password), "missing" (404), or "" (anything else)."""
    if not url.lower().startswith(("http://", "https://")):
        return ""
    scheme, sep, rest = url.partition("://")
    userinfo, at, host = rest.partition("@")
    headers = {}
    if at and "/" not in userinfo:  # urllib does not read credentials from the address itself
        url = f"{scheme}{sep}{host}"
        headers["Authorization"] = "Basic " + base64.b64encode(userinfo.encode()).decode()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=timeout_s):
            return ""
    except urllib.error.HTTPError as exc:
        return {401: "refused", 403: "refused", 404: "missing"}.get(exc.code, "")
    except (OSError, ValueError):
        return ""


def open_source(spec: str, *, paced: bool = False) -> VideoSource:
    """The source named by `spec`, opened and with its first frame read, or CameraError.
    paced: a video file gives its frames at its own frame rate, as a camera would (by default as
    fast as they are decoded)."""
    spec = (spec or "").strip()
    if not spec:
        raise CameraError("no camera given: a device number (0), a video file or a stream URL", "no_source")
    cv2 = cv2_module()
    what = describe_source(spec)
    shown = without_secrets(spec)  # how the window's own words name it
    if spec.isdigit():
        capture = cv2.VideoCapture(int(spec))
        live = True
    elif is_stream(spec):
        params = [
            cv2.CAP_PROP_OPEN_TIMEOUT_MSEC,
            OPEN_TIMEOUT_MS,
            cv2.CAP_PROP_READ_TIMEOUT_MSEC,
            READ_TIMEOUT_MS,
        ]
        capture = cv2.VideoCapture(spec, cv2.CAP_FFMPEG, params)
        live = True
    else:
        path = Path(spec).expanduser()
        if not path.exists():
            raise CameraError(f"no such video file: {spec}", "no_file", source=spec)
        if not path.is_file():
            kind = "a folder" if path.is_dir() else "a device" if _is_device(path) else "not a file"
            raise CameraError(
                f"{spec} is {kind}, not a video file (a camera is given by its number: 0, 1...)",
                "not_a_file",
                source=spec,
            )
        if not os.access(path, os.R_OK):
            raise CameraError(f"cannot read {spec}: permission denied", "no_access", source=spec)
        capture = cv2.VideoCapture(str(path))
        live = False
    if not capture.isOpened():
        capture.release()
        if spec.isdigit():
            raise CameraError(
                f"no camera found at {what} (is it plugged in, or used by another program?)",
                "no_device",
                source=shown,
            )
        refusal = http_refusal(spec) if is_stream(spec) else ""
        if refusal == "refused":
            raise CameraError(
                f"{what} refused the user name or password (check them in the camera's app)",
                "refused",
                source=shown,
            )
        if refusal == "missing":
            raise CameraError(
                f"{what}: the camera has no video at that address", "no_video_there", source=shown
            )
        raise CameraError(f"cannot open {what}: not a video OpenCV can read", "not_video", source=shown)
    ok, first = capture.read()
    if not ok or first is None:
        capture.release()
        raise CameraError(f"{what} gives no picture", "no_picture", source=shown)
    return VideoSource(spec, capture, first, live=live, paced=paced)


def _is_device(path: Path) -> bool:
    try:
        return stat.S_ISCHR(path.stat().st_mode) or stat.S_ISBLK(path.stat().st_mode)
    except OSError:
        return False


class VideoSource:
    """Frames from one opened VideoCapture.

    A file is read frame by frame, none skipped, with its own clock (frame index / frames per
    second). A live camera or stream is read on a thread of its own that keeps only the newest
    frame: when decoding falls behind, old frames are dropped instead of piling up as delay.
    """

    def __init__(self, spec: str, capture, first, *, live: bool, paced: bool = False):
        self.spec = spec
        self.what = describe_source(spec)
        self.live = live
        self.paced = paced
        self._capture = capture
        self._first = first
        fps = capture.get(5)  # CAP_PROP_FPS
        self.fps = fps if 1.0 <= fps <= 240.0 else 30.0
        self.size = (first.shape[1], first.shape[0])
        self._closed = threading.Event()
        self._newest: tuple[Any, float, int, float] | None = None
        self._fresh = threading.Condition()
        self._grabber: threading.Thread | None = None
        self.error: CameraError | None = None  # why a live source stopped, when it did

    def frames(self) -> Iterator[Frame]:
        if self.live:
            yield from self._live_frames()
        else:
            yield from self._file_frames()

    def _file_frames(self) -> Iterator[Frame]:
        index, image = 0, self._first
        start = time.monotonic()
        while image is not None and not self._closed.is_set():
            if self.paced and (ahead := start + index / self.fps - time.monotonic()) > 0:
                self._closed.wait(ahead)
            yield Frame(image, index / self.fps, index, time.perf_counter())
            ok, image = self._capture.read()
            index += 1
            if not ok:
                image = None

    def _live_frames(self) -> Iterator[Frame]:
        self._newest = (self._first, time.monotonic(), 0, time.perf_counter())
        self._grabber = threading.Thread(target=self._grab, name="camera-grab", daemon=True)
        self._grabber.start()
        last = -1
        while True:
            with self._fresh:
                while not self._closed.is_set() and (self._newest is None or self._newest[2] == last):
                    self._fresh.wait(0.5)
                if self._closed.is_set() and (self._newest is None or self._newest[2] == last):
                    return
                image, at, index, grabbed = self._newest
            last = index
            yield Frame(image, at, index, grabbed)

    def _grab(self) -> None:
        index = 0
        while not self._closed.is_set():
            ok, image = self._capture.read()
            if not ok or image is None:
                self.error = CameraError(
                    f"{self.what} stopped giving pictures", "stopped", source=without_secrets(self.spec)
                )
                self._closed.set()
                with self._fresh:
                    self._fresh.notify_all()
                return
            index += 1
            with self._fresh:
                self._newest = (image, time.monotonic(), index, time.perf_counter())
                self._fresh.notify_all()

    def stop(self) -> None:
        """Ask the frames to end; safe from any thread (the reading thread releases the device)."""
        self._closed.set()
        with self._fresh:
            self._fresh.notify_all()

    def close(self) -> None:
        """Release the device: only from the thread that reads `frames()` (OpenCV must never
        release a capture while another thread is inside its read)."""
        self.stop()
        if self._grabber is not None and self._grabber is not threading.current_thread():
            self._grabber.join(timeout=READ_TIMEOUT_MS / 1000 + 1)
        self._capture.release()
