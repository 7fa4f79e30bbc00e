"""`checkin-desk desk --camera SOURCE`: the terminal desk reading codes from a camera.

The camera is opened before the event database: a missing device or an unreadable file is one
line on standard error, exit status 1, and nothing is recorded. Without OpenCV the desk says so
once and goes on as the terminal desk on standard input. Codes come from the camera's own thread
through a queue; keys typed on standard input (a USB scanner on the same machine) join the same
queue, so both work at once. A video file ends the desk at its end. A camera or stream that stops
does not: the desk says so once, keeps taking typed scans, and opens the camera again (after 1 s,
then twice as long each time, 30 s at most), saying when it is back. Ctrl-C ends the desk; scans
still kept and badges still printing are then handled as at the end of the terminal desk's input.
"""

from __future__ import annotations

import os
import queue
import sys
import threading
from collections.abc import Callable, Iterator

from checkin_desk.camera import CameraError, CameraScanner
from checkin_desk.camera.sources import CameraMissing

RETRY_FIRST_S = 1.0
RETRY_MAX_S = 30.0


def say(text: str) -> None:
    print(f"checkin-desk: camera: {text}", file=sys.stderr, flush=True)


class CameraFeed:
    """The camera's scanner and the queue its thread (and the keyboard's) put codes into."""

    def __init__(self, spec: str):
        self.events: queue.Queue = queue.Queue()
        self._stopping = threading.Event()
        self.scanner = CameraScanner(
            spec, on_code=lambda code, _detection: self.events.put(("camera", code.encode("utf-8")))
        )

    def open(self) -> str:
        """Open the source: "open"; "missing" (no OpenCV: said, the desk goes on without the
        camera); or "failed" (said: the desk must not start)."""
        try:
            self.scanner.open()
        except CameraMissing as exc:
            say(f"{exc}; the desk goes on without it (typed scans still count)")
            return "missing"
        except CameraError as exc:
            say(f"{exc}; nothing was recorded")
            return "failed"
        return "open"

    def scans(
        self,
        on_idle: Callable[[], None],
        idle_s: float,
        keyboard: Callable[[], Iterator[bytes]] | None = None,
    ) -> Iterator[tuple[bytes, bool]]:
        """(scan, read by the camera) for each new code the camera reads and each scan typed (from
        `keyboard`), as they come; `on_idle()` when nothing came for `idle_s` seconds."""
        scanner = self.scanner
        camera = threading.Thread(target=self._watch, name="camera", daemon=True)
        camera.start()
        if keyboard is not None:
            threading.Thread(
                target=_pump, args=(keyboard, self.events), name="camera-keys", daemon=True
            ).start()
        say(f"reading {scanner.what}; each code held up is one scan (Ctrl-C to stop)")
        try:
            while True:
                try:
                    kind, value = self.events.get(timeout=idle_s)
                except queue.Empty:
                    on_idle()
                    continue
                if kind in ("camera", "key"):
                    yield value, kind == "camera"
                elif kind == "lost":
                    say(f"{value}; typed scans still count, the camera is tried again until it is back")
                elif kind == "back":
                    say(f"{value} is back; reading codes again")
                elif kind == "end":
                    if value:
                        say(value)
                    return
        except KeyboardInterrupt:
            pass
        finally:
            self._stopping.set()
            scanner.stop()
            camera.join(timeout=10)
            say(scanner.stats.summary())

    def _watch(self) -> None:
        """Run the scanner; a camera or stream that stops is opened again, with growing waits."""
        scanner = self.scanner
        while True:
            reason = scanner.run()
            if self._stopping.is_set() or not scanner.live or scanner.failure is None:
                self.events.put(("end", reason))
                return
            self.events.put(("lost", reason))
            if not self._reopen():
                self.events.put(("end", ""))
                return
            self.events.put(("back", scanner.what))

    def _reopen(self) -> bool:
        """Try the source until it opens (True) or the desk stops (False)."""
        delay = RETRY_FIRST_S
        while not self._stopping.wait(delay):
            try:
                self.scanner.open()
            except CameraError:
                delay = min(delay * 2, RETRY_MAX_S)
                continue
            return True
        return False


def _pump(keyboard: Callable[[], Iterator[bytes]], events: queue.Queue) -> None:
    try:
        for raw in keyboard():
            events.put(("key", raw))
    except OSError:  # standard input closed under us: the camera goes on alone
        pass


def keyboard_lines() -> Callable[[], Iterator[bytes]] | None:
    """Scans typed on standard input while the camera runs, when there is a terminal or a pipe."""
    from checkin_desk.cli.scanning import read_chunks, split_scans

    if sys.stdin is None or sys.stdin.closed:
        return None
    fd = sys.stdin.fileno()
    if os.name == "nt" and not sys.stdin.isatty():
        return None
    return lambda: split_scans(read_chunks(fd, None))
