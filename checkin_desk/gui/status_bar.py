"""The status bar: attendees loaded, admitted today here / overall, printer state, sync state."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QStatusBar

from checkin_desk.gui.desk_state import DeskState
from checkin_desk.gui.i18n import Translator


class DeskStatusBar(QStatusBar):
    def __init__(self, translator: Translator, parent=None):
        super().__init__(parent)
        self.translator = translator
        self.state = DeskState()
        self.sync_state = ""
        self.hub: tuple[bool, bool | None, str, str, int] = (False, None, "", "", 0)
        self.printer_problem = ""
        self.attendees = QLabel(objectName="statusAttendees")
        self.admitted = QLabel(objectName="statusAdmitted")
        self.printer = QLabel(objectName="statusPrinter")
        self.sync = QLabel(objectName="statusSync")
        for label in (self.attendees, self.admitted, self.printer, self.sync):
            label.setStyleSheet("padding: 0 10px; border-left: 1px solid #B0BEC5;")
            self.addPermanentWidget(label)
        translator.changed.connect(self.retranslate)
        self.retranslate()

    def show_state(self, state: DeskState) -> None:
        self.state = state
        self.retranslate()

    def show_sync(self, text: str) -> None:
        self.sync_state = text
        self.retranslate()

    def show_hub(self, connected: bool, online: bool | None, where: str, message: str, pending: int) -> None:
        """The hub link's state, in plain words; offline stands out in red."""
        self.hub = (connected, online, where, message, pending)
        self.sync.setStyleSheet(self.sync.styleSheet().split(";background")[0] + (
            ";background: #C62828; color: white;" if connected and online is False else ""))  # fmt: skip
        self.retranslate()

    def show_printer_problem(self, text: str) -> None:
        self.printer_problem = text
        self.retranslate()

    def retranslate(self, *_args) -> None:
        t, s = self.translator.tr, self.state
        self.attendees.setText(t("status.attendees", n=f"{s.attendees:,}".replace(",", "\u202f")))
        self.admitted.setText(t("status.admitted", desk=s.admitted_here, all=s.admitted_all))
        if s.jobs_failed:
            printer = t("status.printer.failed", n=s.jobs_failed)
        elif s.jobs_waiting:
            printer = t("status.printer.busy", n=s.jobs_waiting)
        elif not s.printers:
            printer = t("status.printer.none")
        else:
            printer = t("status.printer.idle")
        if self.printer_problem:
            printer += f" — {self.printer_problem}"
        self.printer.setText(t("status.printer", state=printer))
        self.sync.setText(t("status.sync", state=self.sync_state or self._hub_words()))

    def _hub_words(self) -> str:
        t = self.translator.tr
        connected, online, where, message, pending = self.hub
        if not connected:
            return t("status.sync.none")
        if online is None:
            text = t("status.sync.connecting", where=where)
        elif online:
            text = t("status.sync.online", where=where)
        else:
            text = t("status.sync.offline", why=message or "?")
        return text + (f" — {t('status.sync.pending', n=pending)}" if pending else "")
