"""The camera's scanner on a thread of its own, reporting to the window through Qt signals.

Decoding never runs on the GUI thread: `CameraScanner.run()` (checkin_desk.camera) runs on a Python
thread and its callbacks emit signals that Qt delivers, queued, on the GUI thread. Codes are never
dropped: each new code is one `code_read`. Previews are: the frame is shrunk to the preview's size on
the camera thread, and a new one is sent only once the window took the last one, so a slow paint
never makes the camera fall behind.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from checkin_desk.camera import CameraScanner, Detection
from checkin_desk.camera.decoding import aim_box

PREVIEW_WIDTH = 640


class Preview:
    """One frame for the screen: the picture, the aim box and the codes' outlines in its pixels."""

    __slots__ = ("aim", "image", "outlines", "texts")

    def __init__(self, image: QImage, aim: tuple[int, int, int, int], outlines, texts):
        self.image, self.aim, self.outlines, self.texts = image, aim, outlines, texts


class CameraLink(QObject):
    started = Signal(str)  # what is being read ("camera 0", "stream rtsp://...")
    code_read = Signal(str)  # a new code: one scan
    preview = Signal(object)  # Preview
    stopped = Signal(str)  # why ("" when a video file ended or the camera was switched off)
    failed = Signal(object)  # the CameraError, just before `stopped` gives its English sentence

    def __init__(self, parent: QObject | None = None, *, hold_s: float | None = None):
        super().__init__(parent)
        self._scanner: CameraScanner | None = None
        self._thread: threading.Thread | None = None
        self._preview_taken = threading.Event()
        self._preview_taken.set()
        self.hold_s = hold_s

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def stats(self):
        return self._scanner.stats if self._scanner is not None else None

    def start(self, spec: str) -> None:
        self.stop()
        options = {} if self.hold_s is None else {"hold_s": self.hold_s}
        self._scanner = CameraScanner(
            spec,
            on_code=lambda code, _detection: self.code_read.emit(code),
            on_frame=self._on_frame,
            on_start=lambda what, _size: self.started.emit(what),
            **options,
        )
        scanner = self._scanner
        scanner.on_end = lambda reason: self._on_end(scanner, reason)
        self._preview_taken.set()
        self._thread = threading.Thread(target=self._scanner.run, name="camera", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        scanner, thread = self._scanner, self._thread
        if scanner is not None:
            scanner.stop()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
        self._thread = None

    def _on_end(self, scanner: CameraScanner, reason: str) -> None:
        if reason and scanner.failure is not None:
            self.failed.emit(scanner.failure)
        self.stopped.emit(reason)

    def preview_taken(self) -> None:
        """The window painted the last preview: the camera thread may send the next."""
        self._preview_taken.set()

    def _on_frame(self, detection: Detection) -> None:
        if not self._preview_taken.is_set():
            return
        self._preview_taken.clear()
        self.preview.emit(make_preview(detection))


def make_preview(detection: Detection) -> Preview:
    """The frame shrunk to the preview's width, as RGB (on the camera thread: QImage, not QPixmap)."""
    import cv2  # present whenever a frame exists

    image = detection.frame.image
    height, width = image.shape[:2]
    scale = min(1.0, PREVIEW_WIDTH / width)
    if scale < 1.0:
        image = cv2.resize(image, (round(width * scale), round(height * scale)), interpolation=cv2.INTER_AREA)
    rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
    h, w = rgb.shape[:2]
    picture = QImage(rgb.data, w, h, rgb.strides[0], QImage.Format_RGB888).copy()
    left, top, right, bottom = aim_box(width, height)
    aim = tuple(round(v * scale) for v in (left, top, right, bottom))
    outlines = [[(x * scale, y * scale) for x, y in read.corners] for read in detection.reads]
    return Preview(picture, aim, outlines, [read.text for read in detection.reads])
