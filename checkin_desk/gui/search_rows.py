"""How one search result is drawn: the name on the reading side, a coloured state label on the other,
and under it what tells namesakes apart (category in the desk's language, company, e-mail, the end of
the code). Each piece is laid out on its own, in the desk's direction, so a row that starts with an
Arabic name is never reordered; only glyphs the bundled fonts have are used.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from checkin_desk.gui.i18n import Translator
from checkin_desk.gui.verdict import category_label, format_day, local_time
from checkin_desk.services.search_view import SearchRow

ROW_ROLE = Qt.UserRole + 1
STATE_COLOURS = {  # background of the state label; its text is white
    "in_today": "#1B7F3B",
    "in_before": "#546E7A",
    "blocked": "#C62828",
    "cancelled": "#C62828",
    "unpaid": "#C62828",
    "wrong_day": "#B26A00",
    "expected": "#90A4AE",
}
PAD = 6


def state_text(tr, row: SearchRow, language: str, timezone: str) -> str:
    if row.state == "in_today":
        return tr("row.in_today", time=local_time(row.entry_at, timezone), desk=row.entry_desk)
    if row.state == "in_before":
        return tr("row.in_before", day=format_day(row.entry_day, language))
    return tr(f"row.{row.state}")


def detail_text(row: SearchRow, categories: Mapping, language: str) -> str:
    person = row.attendee
    # The left-to-right mark keeps "…G711" in that order inside a right-to-left row.
    parts = [
        category_label(categories, person.category, language),
        person.company,
        person.email,
        "\u200e" + row.code_end,
    ]
    return "  ·  ".join(part for part in parts if part)


class ResultRowDelegate(QStyledItemDelegate):
    def __init__(self, translator: Translator, categories: Mapping, timezone: str, parent=None):
        super().__init__(parent)
        self.translator, self.categories, self.timezone = translator, categories, timezone

    def sizeHint(self, option: QStyleOptionViewItem, index) -> QSize:
        metrics = QFontMetrics(option.font)
        return QSize(200, metrics.lineSpacing() * 2 + 3 * PAD)

    def paint(self, painter, option: QStyleOptionViewItem, index) -> None:
        row: SearchRow | None = index.data(ROW_ROLE)
        if row is None:
            return super().paint(painter, option, index)
        style = option.widget.style() if option.widget else None
        if style is not None:
            style.drawPrimitive(QStyle.PE_PanelItemViewItem, option, painter, option.widget)
        language, tr = self.translator.language, self.translator.tr
        rtl = option.direction == Qt.RightToLeft
        rect = option.rect.adjusted(PAD, PAD // 2, -PAD, -PAD // 2)
        selected = bool(option.state & QStyle.State_Selected)
        text_colour = option.palette.color(QPalette.HighlightedText if selected else QPalette.Text)
        bold = QFont(option.font)
        bold.setBold(True)
        metrics, bold_metrics = QFontMetrics(option.font), QFontMetrics(bold)
        line = metrics.lineSpacing()
        top = QRect(rect.left(), rect.top(), rect.width(), line + PAD // 2)
        bottom = QRect(rect.left(), rect.top() + line + PAD, rect.width(), line)
        # The state label, on the far side from where the name starts.
        label = state_text(tr, row, language, self.timezone)
        label_width = min(metrics.horizontalAdvance(label) + 2 * PAD + 2, rect.width() // 2)
        label_x = rect.left() if rtl else rect.right() - label_width
        label_rect = QRect(label_x, top.top(), label_width, top.height())
        painter.save()
        painter.setLayoutDirection(option.direction)
        painter.setPen(Qt.NoPen)
        painter.setBrush(QColor(STATE_COLOURS.get(row.state, "#90A4AE")))
        painter.drawRoundedRect(label_rect, 6, 6)
        painter.setPen(QColor("#FFFFFF"))
        painter.setFont(option.font)
        shown = metrics.elidedText(label, Qt.ElideRight, label_width - 2 * PAD)
        painter.drawText(label_rect, Qt.AlignCenter, shown)
        # The name, then the details under it, each cut to the room it has.
        name_rect = QRect(top)
        if rtl:
            name_rect.setLeft(label_rect.right() + PAD)
        else:
            name_rect.setRight(label_rect.left() - PAD)
        side = (Qt.AlignRight if rtl else Qt.AlignLeft) | Qt.AlignAbsolute | Qt.AlignVCenter
        painter.setPen(text_colour)
        painter.setFont(bold)
        name = row.attendee.full_name or row.attendee.code
        painter.drawText(name_rect, side, bold_metrics.elidedText(name, Qt.ElideRight, name_rect.width()))
        painter.setFont(option.font)
        if not selected:
            painter.setPen(option.palette.color(QPalette.PlaceholderText))
        details = detail_text(row, self.categories, language)
        painter.drawText(bottom, side, metrics.elidedText(details, Qt.ElideRight, bottom.width()))
        painter.restore()
