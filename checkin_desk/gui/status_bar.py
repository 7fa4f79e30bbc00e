"""The status bar: attendees loaded, admitted today here / overall, printer state, sync state."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QStatusBar

from .desk_state import DeskState
from .i18n import Translator


class DeskStatusBar(QStatusBar):
    def __init__(self, translator: Translator, parent=None):
        super().__init__(parent)
        self.translator = translator
        self.state = DeskState()
        self.sync_state = ""
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
        self.sync.setText(t("status.sync", state=self.sync_state or t("status.sync.none")))
