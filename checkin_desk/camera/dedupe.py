"""A code held in front of the camera is one scan.

The camera reads the same code on every frame it is in, for as long as it is shown. A code is new
when it was not seen during the last `hold_s` seconds: each sighting restarts its time, so a badge
held for ten seconds, or lost for a frame or two while it moves, stays one scan; a different code is
a new scan at once. Times are the frames' own (a video file's clock, a live camera's monotonic
clock), never the wall clock, so a file decoded faster than it plays gives the same scans.
"""

from __future__ import annotations

HOLD_S = 3.0


class RecentCodes:
    def __init__(self, hold_s: float = HOLD_S):
        if hold_s < 0:
            raise ValueError("hold_s must be zero or more seconds")
        self.hold_s = hold_s
        self._seen: dict[str, float] = {}

    def is_new(self, code: str, at: float) -> bool:
        """Whether `code` seen at `at` (seconds) is a new scan; remembers the sighting either way."""
        last = self._seen.get(code)
        self._seen[code] = at
        if len(self._seen) > 256:  # forget codes long gone: a day at a desk sees thousands
            self._seen = {c: t for c, t in self._seen.items() if at - t <= self.hold_s}
        return last is None or at - last > self.hold_s or at < last
