"""The shipped fonts, registered once with reportlab, and the choice of a font for every character.

Each weight has a fallback chain: DejaVu Sans (Latin, Arabic presentation forms), Amiri (the Arabic forms
DejaVu lacks), Droid Sans Fallback (Chinese). A character goes to the first font whose cmap has it; spaces and
punctuation stay with the run they are in, so a name is not cut into needless runs.
"""

from __future__ import annotations

import struct
import threading
import unicodedata
from dataclasses import dataclass
from functools import cache

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from checkin_desk.badges.assets import FONT_DIR

CHAINS: dict[str, tuple[tuple[str, str], ...]] = {
    "regular": (
        ("CD-DejaVuSans", "DejaVuSans.ttf"),
        ("CD-Amiri", "Amiri-Regular.ttf"),
        ("CD-DroidSansFallback", "DroidSansFallbackFull.ttf"),
    ),
    "bold": (
        ("CD-DejaVuSans-Bold", "DejaVuSans-Bold.ttf"),
        ("CD-Amiri-Bold", "Amiri-Bold.ttf"),
        ("CD-DroidSansFallback", "DroidSansFallbackFull.ttf"),
    ),
}
ELLIPSIS = "\u2026"
_lock = threading.Lock()


@dataclass(frozen=True, slots=True, eq=False)
class Face:
    name: str  # the reportlab font name
    font: TTFont
    cmap: dict[int, int]
    ascent: float  # per point of font size
    descent: float  # per point, positive below the baseline

    def width(self, text: str, size: float) -> float:
        return self.font.stringWidth(text, size)


@cache
def _face(name: str, filename: str) -> Face:
    with _lock:
        try:
            font = pdfmetrics.getFont(name)
        except KeyError:
            font = TTFont(name, str(FONT_DIR / filename))
            pdfmetrics.registerFont(font)
    face = font.face
    # reportlab keeps the OS/2 typographic ascender, lower than accented capitals reach (É in DejaVu):
    # take the larger of it and hhea's, which fonts set to cover their tallest glyphs.
    hhea = face.get_table("hhea")
    units = float(face.unitsPerEm)
    hhea_ascent = struct.unpack(">h", hhea[4:6])[0] / units
    hhea_descent = -struct.unpack(">h", hhea[6:8])[0] / units
    ascent = max(face.ascent / 1000.0, hhea_ascent)
    descent = max(-face.descent / 1000.0, hhea_descent)
    return Face(name, font, face.charToGlyph, ascent, descent)


@cache
def chain(weight: str = "regular") -> tuple[Face, ...]:
    return tuple(_face(name, filename) for name, filename in CHAINS[weight])


def warm_up() -> None:
    """Load every font now (about 0.1 s) rather than at the first badge."""
    for weight in CHAINS:
        chain(weight)


def _is_neutral(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch)[0] in "PZ"


_choice_cache: dict[tuple[str, str], int] = {}


def _never_drawn(cp: int) -> bool:
    """Emoji and pictographs: no place on a badge even where a fallback font happens to have a glyph."""
    return cp >= 0x1F000 or 0x2600 <= cp <= 0x27BF or 0xFE00 <= cp <= 0xFE0F or 0x2B00 <= cp <= 0x2BFF


def face_index(ch: str, weight: str) -> int:
    """Index in the chain of the first font covering ch, or -1 when no shipped font has it."""
    key = (ch, weight)
    found = _choice_cache.get(key)
    if found is None:
        cp = ord(ch)
        if _never_drawn(cp):
            found = -1
        else:  # glyph 0 is .notdef, the missing-glyph box
            found = next((i for i, face in enumerate(chain(weight)) if face.cmap.get(cp, 0) > 0), -1)
        _choice_cache[key] = found
    return found


def covered(ch: str, weight: str = "regular") -> bool:
    return face_index(ch, weight) >= 0


def split_runs(text: str, weight: str) -> list[tuple[str, Face]]:
    """Cut text (already shaped, in visual order, every character covered) into runs of one font each."""
    faces = chain(weight)
    runs: list[tuple[str, Face]] = []
    current = -1
    start = 0
    for i, ch in enumerate(text):
        index = face_index(ch, weight)
        if index == current or index < 0:
            continue
        if current >= 0 and _is_neutral(ch) and ord(ch) in faces[current].cmap:
            continue
        if current >= 0 and i > start:
            runs.append((text[start:i], faces[current]))
            start = i
        current = index
    if current >= 0 and start < len(text):
        runs.append((text[start:], faces[current]))
    return runs
