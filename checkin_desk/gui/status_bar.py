"""The status bar: attendees loaded, admitted today here / overall, printer, hub, scans waiting.

Short words only, each cut to the room it has (a long hub error never widens the window); the
technical detail is in the tooltip and the log. The hub's trouble is worded by `trouble_text` and
stands out in red while the hub is unreachable.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QHBoxLayout, QStatusBar, QWidget

from checkin_desk.gui.desk_state import DeskState
from checkin_desk.gui.elided import ElidedLabel
from checkin_desk.gui.i18n import Translator
from checkin_desk.gui.trouble_text import hub_words
from checkin_desk.services.trouble import hub_trouble

log = logging.getLogger(__name__)
CELL = "padding: 0 8px; border-left: 1px solid #B0BEC5;"
ALARM = CELL + "background: #C62828; color: white; font-weight: bold;"


def _cell(name: str, width: int) -> ElidedLabel:
    label = ElidedLabel(objectName=name, alignment=Qt.AlignCenter)
    label.setAttribute(
        Qt.WA_StyledBackground, True
    )  # a plain QWidget paints its style sheet's colours only so
    label.setStyleSheet(CELL)
    label.setMinimumWidth(width)
    # The style sheet's padding is drawn inside the label: ask for the room it takes.
    label.setContentsMargins(8, 0, 8, 0)
    return label


def words_that_fit(text: str, metrics: QFontMetrics, room: int) -> str:
    """`text`, or as many of its first words as fit in `room` pixels followed by "…"."""
    if room <= 0 or metrics.horizontalAdvance(text) <= room:
        return text
    words = text.split(" ")
    while len(words) > 1:
        words.pop()
        shown = " ".join(words).rstrip(" :—,;") + "…"
        if metrics.horizontalAdvance(shown) <= room:
            return shown
    return words[0] + "…" if words else text


class DeskStatusBar(QStatusBar):
    def __init__(self, translator: Translator, parent=None):
        super().__init__(parent)
        self.translator = translator
        self.state = DeskState()
        self.sync_state = ""
        self.hub: tuple[bool, bool | None, str, str, int] = (False, None, "", "", 0)
        self.printer_problem = False
        self.waiting_scans = 0
        self.waiting = _cell("statusWaiting", 60)
        self.waiting.setStyleSheet(ALARM)
        self.attendees = _cell("statusAttendees", 90)
        self.admitted = _cell("statusAdmitted", 120)
        self.printer = _cell("statusPrinter", 110)
        self.sync = _cell("statusSync", 130)
        self.sync.auto_tooltip = False  # its tooltip is the hub's own message, for a technician
        self._hub_tooltip = ""
        self.addWidget(self.waiting, 1)
        # One row for the figures: each cell as wide as its words when there is room, all of them
        # narrower (cut) when there is not; a temporary message takes the rest of the bar.
        self.cells = QWidget(objectName="statusCells")
        row = QHBoxLayout(self.cells)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        for label in (self.attendees, self.admitted, self.printer, self.sync):
            row.addWidget(label)
        self.addPermanentWidget(self.cells)
        self.setSizeGripEnabled(False)
        self._hub_logged = ""
        self._whole = ""
        translator.changed.connect(self.retranslate)
        self.retranslate()

    def showMessage(self, text: str, timeout: int = 0) -> None:
        """A temporary message cut at a word with "…" when it is wider than its room (QStatusBar cuts
        it mid-word, without a sign); the whole text is in the tooltip."""
        room = self.width() - (self.cells.width() if self.cells.isVisible() else 0) - 24
        shown = words_that_fit(text, QFontMetrics(self.font()), room)
        self._whole = text
        self.setToolTip(text if shown != text else "")
        super().showMessage(shown, timeout)

    def currentMessage(self) -> str:
        """The whole message (what is on screen may be cut: `shown_message`)."""
        return self._whole if super().currentMessage() else ""  # "" once cleared or timed out

    def shown_message(self) -> str:
        return super().currentMessage()

    def show_state(self, state: DeskState) -> None:
        self.state = state
        self.retranslate()

    def show_hub(self, connected: bool, online: bool | None, where: str, message: str, pending: int) -> None:
        """The hub link's state, in plain words; offline stands out in red."""
        self.hub = (connected, online, where, message, pending)
        offline = connected and online is False
        self.sync.setStyleSheet(ALARM if offline else CELL)
        # The technician's words; also why a desk with an address stays local (a purged event).
        self._hub_tooltip = message if offline or (message and not connected) else ""
        if offline and message != self._hub_logged:
            log.warning("hub offline: %s", message)
        self._hub_logged = message if offline else ""
        self.retranslate()

    def show_printer_problem(self, problems: dict[str, str]) -> None:
        self.printer_problem = bool(problems)
        self.retranslate()

    def show_waiting(self, count: int) -> None:
        """Scans held back while a dialog is open (they are checked in when it closes)."""
        self.waiting_scans = count
        self.retranslate()

    def retranslate(self, *_args) -> None:
        t, s = self.translator.tr, self.state
        self.attendees.setText(t("status.attendees", n=f"{s.attendees:,}".replace(",", "\u202f")))
        self.admitted.setText(t("status.admitted", desk=s.admitted_here, all=s.admitted_all))
        if not s.printers:
            printer = t("status.printer.none")
        elif self.printer_problem or s.jobs_held:
            printer = t("status.printer.trouble")
        elif s.jobs_failed:
            printer = t("status.printer.failed", n=s.jobs_failed)
        elif s.jobs_waiting:
            printer = t("status.printer.busy", n=s.jobs_waiting)
        else:
            printer = t("status.printer.idle")
        self.printer.setText(t("status.printer", state=printer))
        self.sync.setText(t("status.sync", state=self.sync_state or self._hub_words()))
        self.sync.setToolTip(self._hub_tooltip or self.sync.text())
        self._keep_figures_whole()
        key = "scan.waiting" if self.waiting_scans == 1 else "scan.waiting.many"
        self.waiting.setText(t(key, n=self.waiting_scans) if self.waiting_scans else "")
        self.waiting.setVisible(bool(self.waiting_scans))

    def _keep_figures_whole(self) -> None:
        """On a narrow screen (1024×600) the hub cell, the least needed at the desk and the longest
        (it names the hub's address), is cut first: the figures and the printer keep their words.
        Their texts are a few short words, so asking for their whole width cannot widen the window."""
        for cell in (self.attendees, self.admitted, self.printer):
            cell.setMinimumWidth(cell.sizeHint().width())
            cell.setToolTip(cell.text())

    def _hub_words(self) -> str:
        t = self.translator.tr
        connected, online, where, message, pending = self.hub
        if not connected:
            return t("status.sync.none")
        if online is None:
            text = t("status.sync.connecting", where=where)
        elif online:
            text = t("status.sync.online", where=where)
            if message:  # online, with a warning (a clock far off the hub's)
                text += " — " + hub_words(t, hub_trouble(message))
        else:
            text = hub_words(t, hub_trouble(message))
        return text + (f" — {t('status.sync.pending', n=pending)}" if pending else "")
