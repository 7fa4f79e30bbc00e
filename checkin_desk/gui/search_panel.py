"""As-you-type search over the local database, driven from the keyboard.

Typing waits `DEBOUNCE_MS` after the last key before searching (the FTS query itself takes a few ms);
Down moves into the results, Enter checks the selected attendee in, Ctrl+P (the window's shortcut)
prints their badge. The box accepts at most `MAX_CHARS` characters, so pasting a megabyte costs
nothing. Each row shows the pass's state at the door (`services.search_view`), drawn by
`search_rows.ResultRowDelegate`.
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from checkin_desk.domain.models import Attendee
from checkin_desk.gui.i18n import Translator
from checkin_desk.gui.search_rows import ROW_ROLE, ResultRowDelegate, detail_text, state_text
from checkin_desk.services.desk import Desk
from checkin_desk.services.search_view import SearchRow, search_rows

DEBOUNCE_MS = 150
MAX_CHARS = 200


class _SearchBox(QLineEdit):
    down_pressed = Signal()

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key_Down:
            self.down_pressed.emit()
            return
        super().keyPressEvent(event)


class _Results(QListWidget):
    activated_row = Signal()
    up_from_top = Signal()

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key_Return, Qt.Key_Enter) and self.currentItem() is not None:
            self.activated_row.emit()
            return
        if event.key() == Qt.Key_Up and self.currentRow() <= 0:
            self.up_from_top.emit()
            return
        super().keyPressEvent(event)


class SearchPanel(QWidget):
    check_in_requested = Signal(str)  # attendee code
    print_requested = Signal(str)
    selected = Signal(object)  # Attendee | None

    def __init__(self, desk: Desk, translator: Translator, parent=None):
        super().__init__(parent)
        self.desk = desk
        self.translator = translator
        self.box = _SearchBox(objectName="searchBox")
        self.box.setMaxLength(MAX_CHARS)
        self.box.setClearButtonEnabled(True)
        self.results = _Results(objectName="searchResults")
        self.categories = desk.store.categories()
        self.results.setItemDelegate(
            ResultRowDelegate(translator, self.categories, desk.event.timezone, self)
        )
        self.results.setUniformItemSizes(True)
        self.results.setTextElideMode(Qt.ElideRight)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.count = QLabel(objectName="searchCount")
        self.check_in = QPushButton(objectName="searchCheckIn")
        self.print_badge = QPushButton(objectName="searchPrint")
        self._attendees: list[Attendee] = []
        self.rows: list[SearchRow] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.run_search)
        self.box.textEdited.connect(lambda _text: self._timer.start())
        self.box.returnPressed.connect(self._enter_in_box)
        self.box.down_pressed.connect(self._into_results)
        self.results.activated_row.connect(self._check_in_current)
        self.results.up_from_top.connect(self.box.setFocus)
        self.results.itemDoubleClicked.connect(lambda _item: self._check_in_current())
        self.results.currentRowChanged.connect(lambda _row: self.selected.emit(self.current()))
        self.check_in.clicked.connect(self._check_in_current)
        self.print_badge.clicked.connect(self._print_current)
        buttons = QHBoxLayout()
        buttons.addWidget(self.count, 1)
        buttons.addWidget(self.check_in)
        buttons.addWidget(self.print_badge)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.box)
        layout.addWidget(self.results, 1)
        layout.addLayout(buttons)
        translator.changed.connect(self.retranslate)
        self.retranslate()

    def retranslate(self, *_args) -> None:
        t = self.translator.tr
        self.box.setPlaceholderText(t("search.placeholder"))
        self.check_in.setText(t("search.checkin"))
        self.print_badge.setText(t("search.print"))
        self.count.setText(t("search.count", n=len(self._attendees)) if self.box.text() else "")
        self._label_rows()
        self.results.viewport().update()

    def run_search(self) -> None:
        self._timer.stop()
        self.rows = search_rows(self.desk, self.box.text(), limit=50)
        self._attendees = [row.attendee for row in self.rows]
        self.results.clear()
        for row in self.rows:
            item = QListWidgetItem()
            item.setData(Qt.UserRole, row.attendee.code)
            item.setData(ROW_ROLE, row)
            self.results.addItem(item)
        self._label_rows()
        if self._attendees:
            self.results.setCurrentRow(0)
        self.retranslate()

    def _label_rows(self) -> None:
        """Each row's words as text too (what a screen reader and the tests read)."""
        t, language = self.translator.tr, self.translator.language
        for i, row in enumerate(self.rows):
            state = state_text(t, row, language, self.desk.event.timezone)
            details = detail_text(row, self.categories, language)
            self.results.item(i).setText(f"{row.attendee.full_name} — {state} — {details}")

    def refresh(self) -> None:
        """Search again with the same text (a check-in changed a row's state), keeping the selection."""
        if not self.rows:
            return
        current = self.results.currentRow()
        with QSignalBlocker(self.results):  # the selection stays; the preview keeps the scan's person
            self.run_search()
            if 0 <= current < self.results.count():
                self.results.setCurrentRow(current)

    def current(self) -> Attendee | None:
        row = self.results.currentRow()
        return self._attendees[row] if 0 <= row < len(self._attendees) else None

    def _enter_in_box(self) -> None:
        if self._timer.isActive():
            self.run_search()
        if len(self._attendees) == 1:
            self._check_in_current()
        elif self._attendees:
            self._into_results()

    def _into_results(self) -> None:
        if self._timer.isActive():
            self.run_search()
        if self.results.count():
            self.results.setFocus()
            if self.results.currentRow() < 0:
                self.results.setCurrentRow(0)

    def _check_in_current(self) -> None:
        attendee = self.current()
        if attendee is not None:
            self.check_in_requested.emit(attendee.code)

    def _print_current(self) -> None:
        attendee = self.current()
        if attendee is not None:
            self.print_requested.emit(attendee.code)

    def stop(self) -> None:
        self._timer.stop()

    def focus_box(self) -> None:
        self.box.setFocus()
        self.box.selectAll()
