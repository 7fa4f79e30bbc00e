"""Fit text into a box: shrink down to a minimum size, then wrap to two lines, and only as a last resort
shorten with an ellipsis at a word (else a character) boundary. Nothing is clipped or drawn outside the box.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass

from checkin_desk.badges.fonts import ELLIPSIS
from checkin_desk.badges.shaping import Line, layout_line

LINE_GAP = 0.08  # extra space between two lines, per point of font size
# No glyph of the shipped fonts that moves the pen is narrower than this (per point of size; DejaVu's
# narrowest are ~0.25): a box `width` wide at `size` shows at most width / (size * MIN_ADVANCE) of them.
MIN_ADVANCE = 0.1
_NO_BREAK_BEFORE = set("，。、：；）」』！？,.;:!?)")


@dataclass(frozen=True, slots=True)
class Fitted:
    lines: tuple[Line, ...]
    size: float
    shortened: bool = False

    def height(self) -> float:
        return block_height(self.lines, self.size)


def block_height(lines: tuple[Line, ...] | list[Line], size: float) -> float:
    if not lines:
        return 0.0
    return size * (sum(line.ascent + line.descent for line in lines) + LINE_GAP * (len(lines) - 1))


def _is_cjk(ch: str) -> bool:
    cp = ord(ch)
    return (
        0x2E80 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF or 0x20000 <= cp <= 0x3FFFF or 0xAC00 <= cp <= 0xD7AF
    )


def break_points(text: str) -> list[tuple[int, int]]:
    """Where a line may end: (end of this line, start of the next): spaces, hyphens, between CJK."""
    points = []
    for i in range(1, len(text)):
        ch, prev = text[i], text[i - 1]
        if ch == " ":
            points.append((i, i + 1))
        elif prev in "-‐" and ch != " " and i > 1 and text[i - 2] != " ":
            points.append((i, i))  # after the hyphen of a compound name: Marie-|Françoise
        elif prev != " " and (_is_cjk(ch) or _is_cjk(prev)) and ch not in _NO_BREAK_BEFORE:
            points.append((i, i))
    return points


def _size_for(lines: list[Line], width: float, height: float, max_size: float) -> float:
    widest = max(line.width for line in lines)
    total = sum(line.ascent + line.descent for line in lines) + LINE_GAP * (len(lines) - 1)
    size = max_size
    if widest > 0:
        size = min(size, width / widest)
    if total > 0:
        size = min(size, height / total)
    return size


def bounded(text: str, characters: int) -> str:
    """text cut after `characters` characters that advance the pen (combining marks ride along): more
    than any box can show. Fitting then costs the same for a 30-letter name and a 3,000-word one."""
    if len(text) <= characters:
        return text
    seen = 0
    for i, ch in enumerate(text):
        if not unicodedata.combining(ch):
            seen += 1
            if seen > characters:
                return text[:i]
    return text


def _last_fitting(candidates: list[int], fits) -> int | None:
    """The largest candidate that fits, by bisection (a longer start is never narrower)."""
    lo, hi, found = 0, len(candidates) - 1, None
    while lo <= hi:
        mid = (lo + hi) // 2
        if fits(candidates[mid]):
            found, lo = candidates[mid], mid + 1
        else:
            hi = mid - 1
    return found


def ellipsize(text: str, width_1pt: float, weight: str) -> str:
    """The longest start of text that, followed by an ellipsis, is at most width_1pt wide (1 pt font)."""
    text = bounded(text, math.ceil(width_1pt / MIN_ADVANCE) + 1)
    if layout_line(text, weight).width <= width_1pt:
        return text

    def fits(end: int) -> bool:
        return layout_line(text[:end].rstrip(" ,-–") + ELLIPSIS, weight).width <= width_1pt

    spaces = sorted(
        {i for i, ch in enumerate(text) if ch == " "} | {i + 1 for i, ch in enumerate(text) if ch == "-"}
    )
    best = _last_fitting(spaces, fits)
    if best is not None:
        return text[:best].rstrip(" ,-–") + ELLIPSIS
    # The first word alone is too wide: cut between characters, never inside a base + combining mark.
    cuts = [i for i in range(1, len(text)) if not unicodedata.combining(text[i])]
    found = _last_fitting(cuts, fits)
    return (text[:found].rstrip(" ,-–") + ELLIPSIS) if found else ELLIPSIS


def fit_text(
    text: str,
    *,
    width: float,
    height: float,
    max_size: float,
    min_size: float,
    max_lines: int,
    weight: str,
    floor_size: float | None = None,
) -> Fitted:
    """Lay out logical text in a width x height box (points).

    One line from max_size down to min_size; else the best two-line split from max_size down to floor_size
    (a name may go below min_size rather than lose letters; floor_size defaults to min_size); else the
    last line is shortened with an ellipsis at floor_size.
    """
    floor = min(min_size, floor_size) if floor_size else min_size
    if not text:
        return Fitted((), 0.0)
    text = bounded(text, max_lines * math.ceil(width / (floor * MIN_ADVANCE)) + 1)
    one = layout_line(text, weight)
    size = _size_for([one], width, height, max_size)
    if size >= min_size:
        return Fitted((one,), size)
    points = break_points(text) if max_lines >= 2 else []
    if points:
        # The most balanced split gives the largest size; only splits near the middle can be it.
        middle = len(text) / 2
        best_lines, best_size = None, 0.0
        for a, b in sorted(points, key=lambda p: abs(p[0] - middle))[:12]:
            lines = [layout_line(text[:a], weight), layout_line(text[b:], weight)]
            candidate = _size_for(lines, width, height, max_size)
            if candidate > best_size:
                best_lines, best_size = lines, candidate
        if best_lines is not None and best_size >= min_size:
            return Fitted(tuple(best_lines), best_size)
        if best_lines is not None and best_size >= floor and best_size > size:
            return Fitted(tuple(best_lines), best_size)
    if size >= floor:
        return Fitted((one,), size)
    # Too long even on two lines at the smallest size: shorten the last line with an ellipsis.
    size = floor
    two_fit = points and block_height([one, one], size) <= height
    if not two_fit:
        size = min(size, height / (one.ascent + one.descent)) if one.ascent + one.descent else size
        return Fitted((layout_line(ellipsize(text, width / size, weight), weight),), size, True)
    ends = {a: b for a, b in points}
    end = _last_fitting(sorted(ends), lambda a: layout_line(text[:a], weight).width * size <= width)
    first = (end, ends[end]) if end is not None else None
    if first is None:
        return Fitted((layout_line(ellipsize(text, width / size, weight), weight),), size, True)
    a, b = first
    rest = ellipsize(text[b:], width / size, weight)
    return Fitted((layout_line(text[:a], weight), layout_line(rest, weight)), size, True)
