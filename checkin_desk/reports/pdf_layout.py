"""Typesetting the PDF report's tables: numbers written as the report's language writes them, and
column widths that fit their words (cells wrap between words; the font shrinks a step before a word
would ever be broken)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.pdfbase.pdfmetrics import stringWidth

LANGUAGES = ("fr", "en", "ar")
PADDING = 12.0  # reportlab Table: 6 pt left + 6 pt right in every cell
FONT_STEPS = (8.0, 7.5, 7.0, 6.5, 6.0)


def number(value: float | int, language: str, *, decimals: int = 1, percent: bool = False) -> str:
    """91,7 % and 12 345 in French (and in Moroccan Arabic, which writes the same digits the same
    way), 91.7% and 12,345 in English. The thousands space is a narrow no-break space."""
    if percent:
        value = value * 100
    text = f"{value:,.{decimals}f}" if isinstance(value, float) or percent else f"{value:,d}"
    if language == "en":
        return text + ("%" if percent else "")
    text = text.replace(",", "\u202f").replace(".", ",")
    return text + ("\u202f%" if percent else "")


@dataclass
class Cell:
    text: str
    bold: bool = False
    wraps: bool = True  # text in a paragraph (may wrap between words); numbers stay on one line


def text_width(text: str, fonts, size: float, bold: bool) -> float:
    total = 0.0
    for font, part in fonts.runs(text):
        name = fonts.bold if bold and font == fonts.regular else font
        total += stringWidth(part, name, size)
    return total


def column_widths(rows: Sequence[Sequence[Cell]], fonts, available: float) -> tuple[list[float], float, bool]:
    """(widths, font size, whether a word still has to be broken) for a table `available` wide."""
    columns = max(len(r) for r in rows)
    for size in FONT_STEPS:
        least = [PADDING] * columns  # the longest word (or number) of each column must fit
        ideal = [PADDING] * columns  # every cell on one line
        for row in rows:
            for j, cell in enumerate(row):
                whole = text_width(cell.text, fonts, size, cell.bold)
                words = cell.text.split() if cell.wraps else [cell.text]
                longest = max((text_width(w, fonts, size, cell.bold) for w in words), default=0.0)
                least[j] = max(least[j], longest + PADDING + 0.5)
                ideal[j] = max(ideal[j], whole + PADDING + 0.5)
        if sum(ideal) <= available:
            spare = (available - sum(ideal)) / columns
            return [w + spare for w in ideal], size, False
        if sum(least) <= available:
            give = available - sum(least)
            want = [i - m for i, m in zip(ideal, least, strict=True)]
            total = sum(want) or 1.0
            return [m + give * w / total for m, w in zip(least, want, strict=True)], size, False
    scale = available / sum(least)
    return [w * scale for w in least], FONT_STEPS[-1], True


@dataclass
class ChartLabels:
    font: str
    size: float
    texts: list[str]  # each label's lines, joined by "\n", in visual order (Arabic shaped)
    lines: int  # the most lines any label takes


def chart_labels(labels: Sequence[str], fonts, width: float, max_lines: int = 3) -> ChartLabels:
    """A chart's category labels wrapped between words into `width` points, at most `max_lines` lines
    each: the font shrinks a step while a word is wider than the room, then the word or the last line
    is cut with "…". Wrapped on the logical text, each line then shaped: Arabic lines keep their order."""
    size = FONT_STEPS[-1]
    for step in (s for s in FONT_STEPS if s <= 7.0):
        if all(text_width(w, fonts, step, False) <= width for label in labels for w in label.split()):
            size = step
            break
    font = fonts.single(" ".join(labels))[0] if labels else fonts.regular
    texts, most = [], 1
    for label in labels:
        lines = _wrap(label.split(), fonts, size, width, max_lines)
        most = max(most, len(lines))
        texts.append("\n".join(fonts.single(line)[1] for line in lines))
    return ChartLabels(font, size, texts, most)


def _wrap(words: list[str], fonts, size: float, width: float, max_lines: int) -> list[str]:
    def fits(text: str) -> bool:
        return text_width(text, fonts, size, False) <= width

    lines: list[str] = []
    for word in words:
        if lines and fits(f"{lines[-1]} {word}"):
            lines[-1] = f"{lines[-1]} {word}"
        elif len(lines) < max_lines:
            lines.append(word)
        else:
            lines[-1] += " " + word  # cut below
            break
    if not lines:
        return [""]
    for i, line in enumerate(lines):
        if not fits(line) or (i == len(lines) - 1 and " ".join(lines) != " ".join(words)):
            lines[i] = _elide(line, fits)
    return lines


def _elide(text: str, fits) -> str:
    while text and not fits(text + "…"):
        text = text[:-1].rstrip()
    return text + "…"
