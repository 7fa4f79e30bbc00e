"""`checkin-desk desk --camera SOURCE`: the terminal desk reading codes from a camera.

The camera is opened before the event database: a missing device or an unreadable file is one
line on standard error, exit status 1, and nothing is recorded. Codes come from the camera's own
thread through a queue; keys typed on standard input (a USB scanner on the same machine) join the
same queue, so both work at once. The desk stops at the end of a video file, when the camera stops
giving pictures, or on Ctrl-C; scans still kept and badges still printing are then handled as at
the end of the terminal desk's input.
"""

from __future__ import annotations

import os
import queue
import sys
import threading
from collections.abc import Callable, Iterator

from checkin_desk.camera import CameraError, CameraScanner


def say(text: str) -> None:
    print(f"checkin-desk: camera: {text}", file=sys.stderr, flush=True)


class CameraFeed:
    """The camera's scanner and the queue its thread (and the keyboard's) put codes into."""

    def __init__(self, spec: str):
        self.events: queue.Queue = queue.Queue()
        self.scanner = CameraScanner(
            spec,
            on_code=lambda code, _detection: self.events.put(("code", code.encode("utf-8"))),
            on_end=lambda reason: self.events.put(("end", reason)),
        )

    def open(self) -> bool:
        """Open the source; False after saying why it cannot be."""
        try:
            self.scanner.open()
        except CameraError as exc:
            say(f"{exc}; nothing was recorded")
            return False
        return True

    def scans(
        self,
        on_idle: Callable[[], None],
        idle_s: float,
        keyboard: Callable[[], Iterator[bytes]] | None = None,
    ) -> Iterator[bytes]:
        """Each new code the camera reads (and each scan typed, from `keyboard`), as it comes;
        `on_idle()` when nothing came for `idle_s` seconds."""
        scanner = self.scanner
        camera = threading.Thread(target=scanner.run, name="camera", daemon=True)
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
                if kind == "code":
                    yield value
                elif kind == "end":
                    if value:
                        say(value)
                    return
        except KeyboardInterrupt:
            pass
        finally:
            scanner.stop()
            camera.join(timeout=10)
            say(scanner.stats.summary())


def _pump(keyboard: Callable[[], Iterator[bytes]], events: queue.Queue) -> None:
    try:
        for raw in keyboard():
            events.put(("code", raw))
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
