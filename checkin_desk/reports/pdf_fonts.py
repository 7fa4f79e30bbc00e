"""Fonts for the PDF report: a font must cover the script it draws.

DejaVu Sans covers Latin and Arabic (resources/fonts/, else the system's copy); a CJK fallback
(DroidSansFallbackFull or Noto CJK, if resources/fonts or the system has one) covers Chinese. Each
run of text goes to the first font that has all its glyphs; a character no font has becomes "?"
instead of an invisible box. Without DejaVu the report falls back to Helvetica (Latin-1 only).
Arabic is shaped and put in visual order (arabic_reshaper + python-bidi) before drawing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
SYSTEM_DIRS = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts"]
MAIN = ["DejaVuSans.ttf"]
BOLD = ["DejaVuSans-Bold.ttf"]
CJK = [
    "DroidSansFallbackFull.ttf",
    "DroidSansFallback.ttf",
    "NotoSansSC-Regular.ttf",
    "NotoSansCJK-Regular.ttc",
]


def _find(names: list[str], dirs: list[Path]) -> Path | None:
    for directory in dirs:
        for name in names:
            if (directory / name).is_file():
                return directory / name
        if directory.is_dir() and directory not in (RESOURCES / "fonts",):
            for name in names:
                hits = sorted(directory.rglob(name))
                if hits:
                    return hits[0]
    return None


@dataclass
class FontSet:
    regular: str = "Helvetica"
    bold: str = "Helvetica-Bold"
    fallbacks: list[str] = field(default_factory=list)
    coverage: dict[str, set[int] | None] = field(default_factory=dict)  # None: Latin-1 only

    def covers(self, font: str, ch: str) -> bool:
        cmap = self.coverage.get(font)
        if cmap is None:
            return ord(ch) < 256
        return ord(ch) in cmap

    def font_for(self, ch: str) -> str | None:
        for font in (self.regular, *self.fallbacks):
            if self.covers(font, ch):
                return font
        return None

    def runs(self, text: str) -> list[tuple[str, str]]:
        """[(font, text)] after Arabic shaping; characters no font has become '?'."""
        text = visual(text)
        runs: list[tuple[str, str]] = []
        for ch in text:
            font = self.regular if ch.isspace() else self.font_for(ch)
            if font is None:
                font, ch = self.regular, "?"
            if runs and runs[-1][0] == font:
                runs[-1] = (font, runs[-1][1] + ch)
            else:
                runs.append((font, ch))
        return runs

    def markup(self, text: str) -> str:
        """Paragraph markup: the text, escaped, with <font> tags where a fallback font is needed."""
        return "".join(
            escape(t) if font == self.regular else f'<font name="{font}">{escape(t)}</font>'
            for font, t in self.runs(str(text))
        )

    def single(self, text: str) -> tuple[str, str]:
        """One font for a short label (charts): the one covering most of it; the rest becomes '?'."""
        runs = self.runs(str(text))
        if len({f for f, _ in runs}) <= 1:
            return (runs[0][0] if runs else self.regular), "".join(t for _, t in runs)
        best = max({f for f, _ in runs}, key=lambda f: sum(len(t) for g, t in runs if g == f))
        return best, "".join(t if f == best else "?" * len(t) for f, t in runs)


def visual(text: str) -> str:
    if not any("\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" for ch in text):
        return text
    try:
        import arabic_reshaper
        from bidi.algorithm import get_display
    except ImportError:  # pragma: no cover - both are dependencies
        return text
    return "\n".join(get_display(arabic_reshaper.reshape(line)) for line in text.split("\n"))


@lru_cache(maxsize=4)
def load(resources: str | None = None, use_system: bool = True) -> FontSet:
    """Register the fonts found (once per process) and return which to use."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    base = Path(resources) if resources else RESOURCES
    dirs = [base / "fonts"] + (SYSTEM_DIRS if use_system else [])
    fonts = FontSet()
    regular, bold = _find(MAIN, dirs), _find(BOLD, dirs)
    if regular is None:
        return fonts
    registered = set(pdfmetrics.getRegisteredFontNames())
    for name, path in (("ReportSans", regular), ("ReportSans-Bold", bold or regular)):
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, os.fspath(path)))
    fonts.regular, fonts.bold = "ReportSans", "ReportSans-Bold"
    fonts.coverage["ReportSans"] = set(pdfmetrics.getFont("ReportSans").face.charToGlyph)
    cjk = _find(CJK, dirs)
    if cjk is not None and cjk.suffix == ".ttf":
        if "ReportCJK" not in registered:
            pdfmetrics.registerFont(TTFont("ReportCJK", os.fspath(cjk)))
        fonts.fallbacks.append("ReportCJK")
        fonts.coverage["ReportCJK"] = set(pdfmetrics.getFont("ReportCJK").face.charToGlyph)
    return fonts
