"""From stored text to what is drawn: cleaned, uncovered characters dropped, Arabic shaped and reordered.

reportlab draws glyphs one after the other, left to right, in the form the string names. So every line is
shaped with arabic_reshaper (contextual forms, lam-alef) and put in visual order with bidi.get_display before
it is cut into font runs. Shaping is per line: a name wrapped to two lines is wrapped first, in logical order.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache

from arabic_reshaper import ArabicReshaper
from bidi import get_display

from checkin_desk.badges.fonts import Face, face_index, split_runs
from checkin_desk.util.textnorm import clean_text

log = logging.getLogger(__name__)

# DejaVu has no glyph for the Allah ligature (U+FDF2): keep the letters; lam-alef ligatures stay on.
_RESHAPER = ArabicReshaper(configuration={"ARABIC LIGATURE ALLAH": False})
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")


@dataclass(frozen=True, slots=True)
class Line:
    """One line ready to draw: runs of (visual text, font); sizes per point of font size."""

    runs: tuple[tuple[str, Face], ...]
    width: float
    ascent: float
    descent: float

    @property
    def text(self) -> str:
        return "".join(text for text, _ in self.runs)


def drop_uncovered(text: str, weight: str, *, who: str = "", field: str = "") -> str:
    """Clean text (bidi controls, invisible characters); drop what no shipped font draws, with a warning."""
    text = clean_text(text)
    if all(face_index(ch, weight) >= 0 for ch in text):
        return text
    kept = "".join(ch for ch in text if face_index(ch, weight) >= 0)
    dropped = "".join(sorted({ch for ch in text if face_index(ch, weight) < 0}))
    log.warning(
        "badge %s: %s: dropped characters no shipped font covers: %s",
        who or "?",
        field or "text",
        " ".join(f"U+{ord(ch):04X}" for ch in dropped),
    )
    return re.sub(r"\s+", " ", kept).strip()


def visual(text: str) -> str:
    """One logical line -> the characters to draw, left to right."""
    if _ARABIC.search(text):
        text = _RESHAPER.reshape(text)
    if _RTL.search(text):
        text = get_display(text)
    return text


@lru_cache(maxsize=8192)
def layout_line(text: str, weight: str) -> Line:
    """Shape, reorder and measure one line (width, ascent, descent for a 1 pt font)."""
    shown = visual(text)
    # A shaped form may be missing where the base letter was covered: draw nothing rather than a box.
    if any(face_index(ch, weight) < 0 for ch in shown):
        log.warning("badge text: dropped shaped forms no shipped font covers in %r", text)
        shown = "".join(ch for ch in shown if face_index(ch, weight) >= 0)
    runs = tuple(split_runs(shown, weight))
    if not runs:
        return Line((), 0.0, 0.0, 0.0)
    return Line(
        runs,
        sum(face.width(part, 1.0) for part, face in runs),
        max(face.ascent for _, face in runs),
        max(face.descent for _, face in runs),
    )
