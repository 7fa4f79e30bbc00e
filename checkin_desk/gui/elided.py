"""A label that never widens its window: text longer than the room it has is cut with "…" (or wrapped
onto at most `lines` lines, the last one cut), and the whole text is in its tooltip.

A plain QLabel asks for the width of its whole text as its minimum: one 300-character name or one
long printer error and the window grows past the screen. This one asks for a few characters.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import (
    QFont,
    QFontMetrics,
    QPainter,
    QPalette,
    QStaticText,
    QTextLayout,
    QTextOption,
    QTransform,
)
from PySide6.QtWidgets import QSizePolicy, QWidget


class ElidedLabel(QWidget):
    def __init__(
        self,
        text: str = "",
        parent: QWidget | None = None,
        *,
        objectName: str = "",
        alignment: Qt.AlignmentFlag = Qt.AlignLeft | Qt.AlignVCenter,
        lines: int = 1,
        fit: float = 0.0,
        bold: bool = False,
        shrink: float = 1.0,
    ):
        super().__init__(parent)
        if objectName:
            self.setObjectName(objectName)
        self._text = text
        self._alignment = alignment
        self.lines = max(1, lines)
        self.elided = False  # whether the last paint had to cut the text
        self._cache: tuple | None = None  # (key, what _prepared made of it)
        self._font_version = 0  # moves on with every font, direction or style change (the cache's key)
        self.auto_tooltip = True  # the whole text as the tooltip (off when the owner sets its own)
        # fit > 0: the font follows the label's height (a share of it per line): a layout that gives
        # the verdict more room than the notes gets a larger verdict, at any window size.
        self.fit = fit
        # shrink < 1: a line too long for the width is drawn in a smaller font, down to this share of
        # the label's font, before it is cut.
        self.shrink = shrink
        if bold:
            font = self.font()
            font.setBold(True)
            self.setFont(font)
        vertical = QSizePolicy.Ignored if fit else QSizePolicy.Fixed
        # Preferred: as wide as its text when there is room (up to 40 characters), down to a few
        # characters when there is not; never a minimum as wide as the text.
        self.setSizePolicy(QSizePolicy.Preferred, vertical)

    # -- the QLabel calls the panels use ---------------------------------------------------------

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:
        text = text or ""
        if text != self._text:
            self._text = text
            if self.auto_tooltip:
                self.setToolTip(text if len(text) > 40 else "")
            if not self.fit:  # its width follows its words (a fitted label's size is its layout's)
                self.updateGeometry()
            self.update()

    def setAlignment(self, alignment: Qt.AlignmentFlag) -> None:
        if alignment != self._alignment:
            self._alignment = alignment
            self._font_version += 1
            self.update()

    def alignment(self) -> Qt.AlignmentFlag:
        return self._alignment

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        self._font_version += 1  # a font, direction or style change: lay the text out again
        self.updateGeometry()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.fit:
            pixels = max(9, int(self.height() / self.lines * self.fit))
            if self.font().pixelSize() != pixels:
                font = self.font()
                font.setPixelSize(pixels)
                self.setFont(font)

    def sizeHint(self) -> QSize:
        metrics = QFontMetrics(self.font())
        width = min(metrics.horizontalAdvance(self._text) + 2, 60 * metrics.averageCharWidth())
        margins = self.contentsMargins()
        return QSize(width + margins.left() + margins.right(), metrics.lineSpacing() * self.lines)

    def minimumSizeHint(self) -> QSize:
        metrics = QFontMetrics(self.font())
        if self.fit:
            return QSize(4 * metrics.averageCharWidth(), 10 * self.lines)
        return QSize(4 * metrics.averageCharWidth(), metrics.lineSpacing() * self.lines)

    # -- painting --------------------------------------------------------------------------------

    def shown_font(self) -> QFont:
        """The font the text is drawn in: the label's, or smaller (down to `shrink`) to fit one line."""
        font = self.font()
        if self.shrink >= 1.0 or self.lines != 1 or not self._text:
            return font
        width = max(1, self.contentsRect().width())
        needed = QFontMetrics(font).horizontalAdvance(self._text)
        if needed <= width:
            return font
        smaller = QFont(font)
        pixels = (
            font.pixelSize() if font.pixelSize() > 0 else round(font.pointSizeF() * self.logicalDpiY() / 72)
        )
        smaller.setPixelSize(max(9, int(pixels * max(self.shrink, width / needed))))
        return smaller

    def shown_lines(self) -> list[str]:
        """The lines as painted at the current width (the last one cut when it had to be)."""
        font = self.shown_font()
        metrics = QFontMetrics(font)
        width = max(1, self.contentsRect().width())
        text = self._text.replace("\n", " ")
        if self.lines == 1:
            shown = metrics.elidedText(text, Qt.ElideRight, width)
            return [shown] if shown else []
        layout = QTextLayout(text, font)
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapAtWordBoundaryOrAnywhere)
        option.setTextDirection(self.layoutDirection())
        layout.setTextOption(option)
        layout.beginLayout()
        lines: list[str] = []
        while len(lines) < self.lines:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(width)
            start, length = line.textStart(), line.textLength()
            if len(lines) == self.lines - 1:
                lines.append(metrics.elidedText(text[start:], Qt.ElideRight, width))
            else:
                lines.append(text[start : start + length].rstrip())
        layout.endLayout()
        return lines

    def _prepared(self) -> tuple:
        """(font, lines as QStaticText, top, line spacing), laid out once per text, size and font: the
        banner repaints every frame while it flashes, and shaping large text each time costs ~0.4 ms."""
        rect = self.contentsRect()
        key = (self._text, rect.width(), rect.height(), self._font_version)
        if self._cache is not None and self._cache[0] == key:
            return self._cache[1]
        font = self.shown_font()
        lines = self.shown_lines()
        flat = self._text.replace("\n", " ").replace(" ", "")
        self.elided = bool(lines) and "".join(lines).replace(" ", "") != flat
        metrics = QFontMetrics(font)
        spacing = metrics.lineSpacing()
        height = spacing * len(lines)
        top = rect.top()
        if self._alignment & Qt.AlignVCenter:
            top += max(0, (rect.height() - height) // 2)
        elif self._alignment & Qt.AlignBottom:
            top += max(0, rect.height() - height)
        option = QTextOption(
            self._alignment & (Qt.AlignLeft | Qt.AlignRight | Qt.AlignHCenter | Qt.AlignAbsolute)
        )
        option.setWrapMode(QTextOption.NoWrap)
        # The paragraph's direction is the label's (the desk's language), not guessed from its first
        # letter: an Arabic name in the French layout still reads from the left edge.
        option.setTextDirection(self.layoutDirection())
        statics = []
        for line in lines:
            static = QStaticText(line)
            static.setTextFormat(Qt.PlainText)
            static.setTextOption(option)
            static.setTextWidth(rect.width())
            static.prepare(QTransform(), font)
            statics.append(static)
        prepared = (font, statics, top, spacing)
        self._cache = (key, prepared)
        return prepared

    def paintEvent(self, event) -> None:
        font, statics, top, spacing = self._prepared()
        if not statics:
            return
        painter = QPainter(self)
        painter.setPen(self.palette().color(QPalette.WindowText))
        painter.setFont(font)
        left = self.contentsRect().left()
        for i, static in enumerate(statics):
            painter.drawStaticText(left, top + i * spacing, static)
        painter.end()
