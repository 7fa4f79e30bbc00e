"""The dashboard's two charts, painted with QPainter (PySide6-Essentials has no QtCharts).

Each chart keeps plain data (`set_data`) and paints it; with nothing to draw it paints its caption,
the sentence saying why, instead of empty axes. Time runs left to right in every language.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

TODAY = QColor("#1565C0")
PREVIOUS = QColor("#90A4AE")
TRACK = QColor("#ECEFF1")
INK = QColor("#37474F")
GRID = QColor("#CFD8DC")


class _Chart(QWidget):
    def __init__(self, parent=None, **kwargs):
        super().__init__(parent, **kwargs)
        self.caption = ""
        self.setMinimumHeight(180)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)

    def _paint_caption(self, painter: QPainter) -> None:
        painter.setPen(INK)
        painter.drawText(
            self.rect().adjusted(12, 12, -12, -12), Qt.AlignCenter | Qt.TextWordWrap, self.caption
        )


class ArrivalsChart(_Chart):
    """Bars: arrivals per quarter-hour today; grey line: the same quarters of the previous day."""

    def __init__(self, parent=None, **kwargs):
        super().__init__(parent, **kwargs)
        self.points: list[tuple[str, int, int | None]] = []  # (HH:MM, today, previous day)
        self.legend: tuple[str, str] = ("", "")

    def set_data(
        self, points: list[tuple[str, int, int | None]], caption: str, legend: tuple[str, str]
    ) -> None:
        self.points, self.caption, self.legend = points, caption, legend
        self.setToolTip(caption)
        self.update()

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.Antialiasing)
        if not self.points:
            self._paint_caption(painter)
            return
        metrics = painter.fontMetrics()
        line_h = metrics.height()
        left, top = metrics.horizontalAdvance("0000") + 10, line_h + 8
        area = QRectF(left, top, self.width() - left - 10, self.height() - top - line_h - 10)
        if self.caption:  # something to draw, and a remark on it (e.g. only the previous day)
            painter.setPen(INK)
            painter.drawText(QRectF(0, 0, self.width(), line_h), Qt.AlignCenter, self.caption)
        peak = max(max(t, p or 0) for _, t, p in self.points) or 1
        n = len(self.points)
        step = area.width() / n
        # grid and y labels: 0, half, peak
        for frac in (0.0, 0.5, 1.0):
            y = area.bottom() - frac * area.height()
            painter.setPen(QPen(GRID, 1))
            painter.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
            painter.setPen(INK)
            painter.drawText(
                QRectF(0, y - line_h / 2, left - 6, line_h),
                Qt.AlignRight | Qt.AlignVCenter,
                str(round(peak * frac)),
            )
        # bars for today
        painter.setPen(Qt.NoPen)
        painter.setBrush(TODAY)
        for i, (_label, today, _prev) in enumerate(self.points):
            h = today / peak * area.height()
            painter.drawRect(QRectF(area.left() + i * step + step * 0.15, area.bottom() - h, step * 0.7, h))
        # the previous day as a line
        if any(p is not None for _, _, p in self.points):
            path = QPainterPath()
            for i, (_label, _today, prev) in enumerate(self.points):
                point = QPointF(
                    area.left() + (i + 0.5) * step, area.bottom() - (prev or 0) / peak * area.height()
                )
                path.lineTo(point) if i else path.moveTo(point)
            painter.setBrush(Qt.NoBrush)
            painter.setPen(QPen(PREVIOUS, 2))
            painter.drawPath(path)
        # x labels on the hour, thinned to fit
        painter.setPen(INK)
        hours_every = max(1, math.ceil(metrics.horizontalAdvance("00:00  ") / (4 * step)))
        for i, (label, _t, _p) in enumerate(self.points):
            if label.endswith(":00") and int(label[:2]) % hours_every == 0:
                box = QRectF(area.left() + i * step - 30, area.bottom() + 4, 60, line_h)
                painter.drawText(box, Qt.AlignCenter, label)
        # legend
        x = area.left()
        for colour, text in ((TODAY, self.legend[0]), (PREVIOUS, self.legend[1])):
            if not text:
                continue
            painter.fillRect(QRectF(x, 4, 12, line_h - 6), colour)
            painter.drawText(QPointF(x + 16, line_h), text)
            x += metrics.horizontalAdvance(text) + 40
        painter.end()


class CategoryChart(_Chart):
    """One bar per category in its badge colour: arrived today over a track of passes valid today."""

    def __init__(self, parent=None, **kwargs):
        super().__init__(parent, **kwargs)
        self.rows: list[tuple[str, str, int, int]] = []  # (label, colour, arrived, registered)

    def set_data(self, rows: list[tuple[str, str, int, int]], caption: str) -> None:
        self.rows, self.caption = rows, caption
        self.setToolTip(caption)
        self.update()

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        if not self.rows or (self.caption and not any(r[2] for r in self.rows)):
            self._paint_caption(painter)
            return
        metrics = painter.fontMetrics()
        rtl = self.layoutDirection() == Qt.RightToLeft
        label_w = min(self.width() // 3, max(metrics.horizontalAdvance(r[0]) for r in self.rows) + 12)
        count_w = max(metrics.horizontalAdvance(f"{r[2]} / {r[3]}") for r in self.rows) + 12
        row_h = min(34.0, (self.height() - 8) / len(self.rows))
        scale = max(max(r[2], r[3]) for r in self.rows) or 1
        bar_w = self.width() - label_w - count_w - 8
        for i, (label, colour, arrived, registered) in enumerate(self.rows):
            y = 4 + i * row_h
            label_box = QRectF(0 if not rtl else self.width() - label_w, y, label_w - 6, row_h)
            bar_x = label_w if not rtl else count_w + 8
            painter.setPen(INK)
            painter.drawText(label_box, (Qt.AlignRight if not rtl else Qt.AlignLeft) | Qt.AlignVCenter, label)
            track = QRectF(bar_x, y + row_h * 0.2, bar_w * max(registered, arrived) / scale, row_h * 0.6)
            painter.fillRect(track, TRACK)
            fill_w = bar_w * arrived / scale
            fill_x = bar_x if not rtl else bar_x + track.width() - fill_w
            painter.fillRect(QRectF(fill_x, track.top(), fill_w, track.height()), QColor(colour))
            count_box = QRectF(bar_x + bar_w + 6 if not rtl else 0, y, count_w, row_h)
            painter.drawText(
                count_box,
                Qt.AlignVCenter | (Qt.AlignLeft if not rtl else Qt.AlignRight),
                f"{arrived} / {registered}",
            )
        painter.end()
