"""The frame loop: read a frame, decode it, hand each new code on.

`CameraScanner.run()` blocks until the source ends (a file), fails, or `stop()` is called; callers
run it on a thread of their own (never the window's). Callbacks are called on that thread:
`on_code(code, detection)` once per new code (see dedupe.py), `on_frame(detection)` for every frame
decoded (the preview), `on_end(reason)` once at the end ("" when a file simply ended; the
`CameraError` itself is kept in `failure`). A scanner can `run()` again after a live source stopped:
it reopens the source and remembers the codes it saw (a code still held up is not a new scan).
"""

from __future__ import annotations

import logging
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from checkin_desk.camera.decoding import Decoder, Read
from checkin_desk.camera.dedupe import HOLD_S, RecentCodes
from checkin_desk.camera.sources import CameraError, Frame, describe_source, open_source

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Detection:
    frame: Frame
    reads: tuple[Read, ...]
    new: tuple[str, ...]  # codes of `reads` that are new scans
    decode_s: float


@dataclass
class ScannerStats:
    frames: int = 0
    frames_with_code: int = 0
    scans: int = 0
    decode_s: list[float] = field(default_factory=list)
    started: float = field(default_factory=time.perf_counter)

    def fps(self) -> float:
        spent = time.perf_counter() - self.started
        return self.frames / spent if spent > 0 else 0.0

    def summary(self) -> str:
        median = statistics.median(self.decode_s) * 1000 if self.decode_s else 0.0
        return (
            f"{self.frames} frames, {self.frames_with_code} with a code, {self.scans} scans; "
            f"{self.fps():.1f} frames/s, decoding {median:.0f} ms per frame (median)"
        )


class CameraScanner:
    def __init__(
        self,
        spec: str,
        on_code: Callable[[str, Detection], None],
        *,
        on_frame: Callable[[Detection], None] | None = None,
        on_start: Callable[[str, tuple[int, int]], None] | None = None,
        on_end: Callable[[str], None] | None = None,
        hold_s: float = HOLD_S,
        decoder: Decoder | None = None,
        paced: bool = False,
    ):
        self.spec = spec
        self.on_code, self.on_frame, self.on_start, self.on_end = on_code, on_frame, on_start, on_end
        self.recent = RecentCodes(hold_s)
        self.decoder = decoder
        self.paced = paced  # a video file at its own frame rate (see sources.open_source)
        self.stats = ScannerStats()
        self.failure: CameraError | None = None  # why the last run ended, when it was trouble
        self.live = False  # the source is a camera or a stream (not a file): worth opening again
        self._what = describe_source(spec)
        self._stop = threading.Event()
        self._source = None

    def open(self) -> None:
        """Open the source now (the caller's thread), so that trouble is known before anything
        else starts; raises CameraError. `run()` opens it itself otherwise."""
        if self._source is None:
            source = open_source(self.spec, paced=self.paced)
            self._what, self.live = source.what, source.live
            self._source = source

    @property
    def what(self) -> str:
        return self._what  # never the address with its password

    def stop(self) -> None:
        """Safe from any thread: the loop ends at its next frame and releases the source itself."""
        self._stop.set()
        source = self._source
        if source is not None:
            source.stop()

    def run(self) -> str:
        """Scan until the end; returns why it ended ("" for the end of a file), also given to on_end."""
        self.failure = None
        try:
            self._run()
        except CameraError as exc:
            self.failure = exc
        except Exception as exc:  # a bug: logged with its traceback, the desk goes on without camera
            log.exception("camera loop failed")
            self.failure = CameraError(
                f"internal error in the camera ({exc.__class__.__name__}: {exc}); see the log",
                "internal",
                detail=f"{exc.__class__.__name__}: {exc}",
            )
        finally:
            if self._source is not None:
                self._source.close()
                self._source = None
        reason = str(self.failure) if self.failure is not None else ""
        if self.on_end is not None:
            self.on_end(reason)
        return reason

    def _run(self) -> None:
        decoder = self.decoder or Decoder()
        self.open()
        source = self._source
        if self._stop.is_set():
            return
        if self.on_start is not None:
            self.on_start(source.what, source.size)
        if not self.stats.frames:  # frames/s from the first picture on, not the opening
            self.stats = ScannerStats()
        for frame in source.frames():
            if self._stop.is_set():
                return
            self.handle(frame, decoder)
        if source.error is not None and not self._stop.is_set():
            raise source.error

    def handle(self, frame: Frame, decoder: Decoder) -> Detection:
        start = time.perf_counter()
        reads = tuple(decoder.read(frame.image))
        spent = time.perf_counter() - start
        new = tuple(r.text for r in reads if self.recent.is_new(r.text, frame.at))
        detection = Detection(frame, reads, new, spent)
        stats = self.stats
        stats.frames += 1
        stats.frames_with_code += bool(reads)
        stats.scans += len(new)
        stats.decode_s.append(spent)
        if len(stats.decode_s) > 10_000:
            del stats.decode_s[:5_000]
        for code in new:
            self.on_code(code, detection)
        if self.on_frame is not None:
            self.on_frame(detection)
        return detection
