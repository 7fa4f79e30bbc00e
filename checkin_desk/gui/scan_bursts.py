"""Which of the keys typed into a field before Enter were a scanner's burst: judged on the keys' own
timestamps (the X server stamps each key when it is typed), never on when they reached the window.

A scanner types evenly, a few ms per key. On a busy machine its burst can stall (tens to hundreds of
ms) anywhere: the keys on both sides of a stall are still at a scanner's pace, so they are one code.
A person's key typed just before a scan is followed by a gap far longer than the burst's own gaps
and has the person's other keys before it: it is the person's, however close it came to the burst. Plain Python, no Qt: the capture
calls it with the keys' times.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from itertools import pairwise

# Keys whose median gap is at most this are a scanner's (a scanner: 1-30 ms a key, up to ~50 on a
# loaded machine, evenly; a person, even a fast typist: 70-200 ms).
BURST_MS = 55.0
# The burst's pace is the median of its last gaps; a gap longer than SPLIT_FACTOR times that pace
# (and than SPLIT_FLOOR_MS) ends a run of keys: the key before it is not of the burst, unless it
# belongs to a part that was at a scanner's pace itself (a stall).
PACE_GAPS = 4
SPLIT_FACTOR = 4.0
SPLIT_FLOOR_MS = 30.0
# A stall inside a burst, on a loaded machine: the parts on both sides of a gap up to this are joined.
STALL_MS = 800.0
# A lone key with nothing typed this long before it is a scanner's first key, cut off by a stall.
IDLE_MS = 1000.0
# Enter this long after a burst's last key still ends that burst (a scanner always sends its Enter;
# only a stall delays it).
END_MS = 2000.0
MIN_CODE = 4


def runs(times: Sequence[float], split_ms: float) -> list[tuple[int, int]]:
    """The keys cut where a gap passes `split_ms`: (first index, end index) pairs, in order."""
    found: list[tuple[int, int]] = []
    start = 0
    for i in range(1, len(times) + 1):
        if i == len(times) or times[i] - times[i - 1] > split_ms:
            found.append((start, i))
            start = i
    return found


def burst_start(times: Sequence[float], end_ms: float) -> int | None:
    """The index of the first key of the scan that Enter at `end_ms` ends, or None when the keys
    before Enter were a person's. `times`: the keys' timestamps (ms), oldest first."""
    if len(times) < MIN_CODE or end_ms - times[-1] > END_MS:
        return None
    pace = statistics.median([b - a for a, b in pairwise(times[-PACE_GAPS - 1 :])])
    if pace > BURST_MS:
        return None
    split_ms = max(SPLIT_FLOOR_MS, SPLIT_FACTOR * pace)
    parts = runs(times, split_ms)
    first, last = parts[-1]
    for k in range(len(parts) - 2, -1, -1):
        start, end = parts[k]
        stall = times[first] - times[end - 1]
        if stall > STALL_MS:
            break
        if end - start >= 2:
            first = start  # the head of a burst that stalled: at a scanner's pace itself
            continue
        before = times[start] - times[start - 1] if start else None
        if before is None or before > IDLE_MS:
            first = start  # a lone key with nothing just before it: the burst's first key
            break
        if k > 0 and parts[k - 1][1] - parts[k - 1][0] >= 2 and before <= STALL_MS:
            first = start  # a lone key between two stalls, inside a burst
            continue
        break  # a person's key (their other keys just before it): not part of the burst
    if last - first < 2 or last - first < MIN_CODE:
        return None
    gaps = [b - a for a, b in pairwise(times[first:last])]
    return first if statistics.median(gaps) <= BURST_MS else None
