"""Where frames come from: a device index ("0"), a video file, or a stream URL (RTSP, HTTP MJPEG:
how a phone app turns a phone into a network camera), all through OpenCV's VideoCapture.

OpenCV (`opencv-python-headless`) is an optional extra: one library opens devices, files and
network streams on Linux, Windows and macOS, and it brings no Qt of its own (Qt Multimedia would
need PySide6-Addons, ~400 MB, and opens devices only). Any trouble opening a source is a
`CameraError` with a sentence for the operator; nothing else changes.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checkin_desk.errors import CheckinDeskError

INSTALL_HINT = "pip install 'checkin-desk[camera]'"
STREAM_SCHEMES = ("rtsp://", "rtsps://", "http://", "https://", "udp://", "tcp://")
OPEN_TIMEOUT_MS = 5000  # a phone that left the Wi-Fi must not hang the desk
READ_TIMEOUT_MS = 5000


class CameraError(CheckinDeskError):
    """Expected trouble with the camera: no extra installed, no such device, not a video."""


@dataclass(slots=True)
class Frame:
    image: Any  # numpy array, BGR
    at: float  # seconds: the file's own clock, or the monotonic clock for live sources
    index: int
    grabbed: float  # time.perf_counter() when it was read: frame -> outcome latency starts here


def cv2_module():
    """OpenCV, or a CameraError that says how to install it."""
    os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")  # a missing device is our message, not its WARN
    try:
        import cv2
    except ImportError as exc:
        raise CameraError(f"the camera needs the optional part OpenCV: {INSTALL_HINT} ({exc})") from exc
    return cv2


def is_stream(spec: str) -> bool:
    return spec.lower().startswith(STREAM_SCHEMES)


def describe_source(spec: str) -> str:
    spec = spec.strip()
    if spec.isdigit():
        return f"camera {spec}"
    if is_stream(spec):
        return f"stream {_without_password(spec)}"
    return f"video file {spec}"


def _without_password(url: str) -> str:
    # rtsp://user:secret@host/ -> rtsp://user:***@host/: addresses reach logs and the screen
    scheme, sep, rest = url.partition("://")
    userinfo, at, host = rest.partition("@")
    if at and ":" in userinfo:
        return f"{scheme}{sep}{userinfo.split(':', 1)[0]}:***@{host}"
    return url


def open_source(spec: str, *, paced: bool = False) -> VideoSource:
    """The source named by `spec`, opened and with its first frame read, or CameraError.
    paced: a video file gives its frames at its own frame rate, as a camera would (by default as
    fast as they are decoded)."""
    spec = (spec or "").strip()
    if not spec:
        raise CameraError("no camera given: a device number (0), a video file or a stream URL")
    cv2 = cv2_module()
    what = describe_source(spec)
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
        if not path.is_file():
            raise CameraError(f"no such video file: {spec}")
        if not os.access(path, os.R_OK):
            raise CameraError(f"cannot read {spec}: permission denied")
        capture = cv2.VideoCapture(str(path))
        live = False
    if not capture.isOpened():
        capture.release()
        if spec.isdigit():
            raise CameraError(f"no camera found at {what} (is it plugged in, or used by another program?)")
        raise CameraError(f"cannot open {what}: not a video OpenCV can read")
    ok, first = capture.read()
    if not ok or first is None:
        capture.release()
        raise CameraError(f"{what} gives no picture")
    return VideoSource(spec, capture, first, live=live, paced=paced)


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
        self.error = ""  # why a live source stopped, when it did

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
                self.error = f"{self.what} stopped giving pictures"
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
