"""The red printer bar: the one printing problem staff must act on, in their words, until it is gone.

It is shown under the search while a printer is failing (its last error, until it prints again), the
desk has no printer and badges wait, badges could not be made, or old badges wait for a supervisor's
decision (`services.print_backlog`). F2 or a click opens the details: what to do, the technician's
words (also in the log), and for old badges the supervisor's choice — print them, or not.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QMessageBox

from checkin_desk.gui.desk_state import DeskState
from checkin_desk.gui.elided import ElidedLabel
from checkin_desk.gui.i18n import Translator
from checkin_desk.gui.pin import Authority
from checkin_desk.gui.trouble_text import alert_text
from checkin_desk.gui.verdict import local_time
from checkin_desk.printing import queue
from checkin_desk.services import print_backlog
from checkin_desk.services.desk import DeskError
from checkin_desk.trust.roles import AuthorizationError

log = logging.getLogger(__name__)
RED, WHITE = "#C62828", "#FFFFFF"


class PrinterAlert(QFrame):
    clicked = Signal()

    def __init__(self, translator: Translator, parent=None):
        super().__init__(parent)
        self.setObjectName("printerAlert")
        self.translator = translator
        self.state = DeskState()
        self._state_read = False  # the default state's "0 printers" is not known yet
        self.problems: dict[str, str] = {}
        self.label = ElidedLabel(objectName="printerAlertText", alignment=Qt.AlignLeft | Qt.AlignVCenter)
        font = self.label.font()
        font.setBold(True)
        self.label.setFont(font)
        self.more = ElidedLabel(objectName="printerAlertMore", alignment=Qt.AlignRight | Qt.AlignVCenter)
        self.more.setMinimumWidth(110)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 4, 10, 4)
        row.addWidget(self.label, 1)
        row.addWidget(self.more)
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(QPalette.Window, QColor(RED))
        palette.setColor(QPalette.WindowText, QColor(WHITE))
        self.setPalette(palette)
        self.setCursor(Qt.PointingHandCursor)
        self._logged = ""
        translator.changed.connect(self.retranslate)
        self.retranslate()

    def show_state(self, state: DeskState) -> None:
        self.state, self._state_read = state, True
        self.retranslate()

    def show_problems(self, problems: dict[str, str]) -> None:
        self.problems = dict(problems)
        self.retranslate()

    def text(self) -> str:
        return self.label.text()

    def retranslate(self, *_args) -> None:
        s = self.state
        text = alert_text(
            self.translator.tr,
            held=s.jobs_held,
            waiting=s.jobs_waiting,
            failed=s.jobs_failed,
            queue_error=s.queue_error,
            problems=self.problems,
            no_printer=self._state_read and not s.printers,
        )
        self.label.setText(text)
        self.more.setText(self.translator.tr("printer.details"))
        self.setVisible(bool(text))
        technical = "; ".join(f"{name}: {why}" for name, why in sorted(self.problems.items()))
        if technical and technical != self._logged:
            log.info("printer trouble shown to staff as %r: %s", text, technical)
        self._logged = technical

    def mousePressEvent(self, event) -> None:
        self.clicked.emit()


class PrintTroubleActions:
    """F2: the details of the printer bar, and the supervisor's choice about old badges."""

    def __init__(self, alert: PrinterAlert, supervisor, translator: Translator):
        self.alert, self.supervisor, self.translator = alert, supervisor, translator
        self.box: QMessageBox | None = None

    @property
    def controller(self):
        return self.supervisor.controller

    def technical(self) -> str:
        """What a technician needs: each printer's last error and the badges not printed."""
        lines = [f"{name}: {why}" for name, why in sorted(self.alert.problems.items())]
        store, desk = self.controller.desk.store, self.controller.desk.desk_name
        for job in queue.jobs(store, 20, desk=desk, states=("failed", "queued")):
            if job.last_error:
                lines.append(f"#{job.id} {job.attendee_code} ({job.state}): {job.last_error}")
        return "\n".join(lines)

    def show(self) -> QMessageBox:
        t = self.translator.tr
        box = QMessageBox(self.supervisor.window)
        box.setObjectName("printerDetails")
        box.setWindowTitle(t("printer.details.title"))
        box.setIcon(QMessageBox.Warning if self.alert.text() else QMessageBox.Information)
        box.setText(self.alert.text() or t("printer.details.none"))
        box.setDetailedText(self.technical())
        held = self.alert.state.jobs_held
        if held:
            since = local_time(self.alert.state.held_since, self.controller.desk.event.timezone)
            box.setInformativeText(t("printer.held.question", n=held, since=since))
            self.print_button = box.addButton(t("printer.held.print"), QMessageBox.AcceptRole)
            self.skip_button = box.addButton(t("printer.held.skip"), QMessageBox.DestructiveRole)
            box.addButton(t("printer.held.later"), QMessageBox.RejectRole)
        else:
            box.setStandardButtons(QMessageBox.Ok)
        self.box = box
        box.buttonClicked.connect(self._chosen)
        return self.supervisor.show_dialog(box, lambda _box: None)

    def _chosen(self, button) -> None:
        if not self.alert.state.jobs_held:
            return
        if button is getattr(self, "print_button", None):
            QTimer.singleShot(0, lambda: self.decide("print"))  # once the box has closed
        elif button is getattr(self, "skip_button", None):
            QTimer.singleShot(0, lambda: self.decide("skip"))

    def decide(self, decision: str) -> None:
        """Ask a supervisor's PIN, then print the old badges or not (audited)."""

        def then(by: Authority) -> None:
            call = print_backlog.release_held if decision == "print" else print_backlog.drop_held
            try:
                count = call(self.controller.desk, **by.kwargs())
            except (AuthorizationError, DeskError) as exc:
                self.controller.problem.emit(str(exc))
                return
            self.controller.problem.emit(self.translator.tr("printer.held.done", n=count, by=by.name))
            if self.controller.print_worker is not None:
                self.controller.print_worker.wake()
            self.controller.refresh_state()

        self.supervisor.with_pin("reprint", then)
