"""Supervisor actions, each behind the PIN: reprint, admit despite a refusal, cancel a check-in,
edit an attendee, settings, leaving kiosk mode.

Dialogs chain without nested event loops: PIN dialog -> (accepted) -> action dialog -> (accepted) ->
the controller does it through the desk service, which writes the audit log with desk and operator.
`self.open_dialog` is the dialog currently shown (tests drive it).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QWidget

from .controller import DeskController
from .dialogs import CancelScanDialog, EditAttendeeDialog, PinDialog, ReasonDialog
from .i18n import Translator
from .settings_dialog import SettingsDialog, apply_settings


class SupervisorActions(QObject):
    dialog_closed = Signal()
    settings_applied = Signal(dict)
    kiosk_exit_allowed = Signal()

    def __init__(self, controller: DeskController, translator: Translator, window: QWidget):
        super().__init__(window)
        self.controller, self.translator, self.window = controller, translator, window
        self.open_dialog: QDialog | None = None
        self.supervisor = ""

    @property
    def desk(self):
        return self.controller.desk

    def show_dialog(self, dialog: QDialog, on_accept: Callable[[QDialog], None]) -> QDialog:
        self.open_dialog = dialog
        dialog.accepted.connect(lambda: on_accept(dialog))
        dialog.finished.connect(lambda _result: self._closed(dialog))
        dialog.open()
        return dialog

    def _closed(self, dialog: QDialog) -> None:
        if self.open_dialog is dialog:
            self.open_dialog = None
        dialog.deleteLater()
        self.dialog_closed.emit()

    def with_pin(self, then: Callable[[str], None]) -> QDialog:
        dialog = PinDialog(self.translator, self.desk.store, self.desk.clock, self.window)

        def accepted(d: PinDialog) -> None:
            self.supervisor = d.supervisor
            then(d.supervisor)

        return self.show_dialog(dialog, accepted)

    def _need_current(self) -> bool:
        if self.controller.current is None:
            self.controller.problem.emit(self.translator.tr("no_current"))
            return False
        return True

    # -- the actions ---------------------------------------------------------------------------

    def reprint(self) -> None:
        if not self._need_current():
            return
        attendee = self.controller.current

        def ask(supervisor: str) -> None:
            subject = f"{attendee.full_name} ({attendee.code})"
            dialog = ReasonDialog(self.translator, "reprint.title", subject, self.window)
            self.show_dialog(
                dialog, lambda d: self.controller.reprint(attendee.code, d.reason.text(), supervisor)
            )

        self.with_pin(ask)

    def override(self) -> None:
        last = self.controller.last
        if last is None or last.admitted or not last.code:
            self.controller.problem.emit(self.translator.tr("no_current"))
            return

        def ask(supervisor: str) -> None:
            who = last.attendee.full_name if last.attendee else last.code
            dialog = ReasonDialog(self.translator, "override.title", f"{who} — {last.status}", self.window)
            self.show_dialog(
                dialog, lambda d: self.controller.override(last.code, d.reason.text(), supervisor)
            )

        self.with_pin(ask)

    def cancel_checkin(self) -> None:
        def ask(supervisor: str) -> None:
            scans = self.desk.last_scans(30)
            names = {}
            for scan in scans:
                code = scan["attendee_code"]
                if code and code not in names and (person := self.desk.store.lookup(code)):
                    names[code] = person.full_name
            dialog = CancelScanDialog(self.translator, scans, names, self.window)
            self.show_dialog(
                dialog,
                lambda d: self.controller.cancel_checkin(d.scan_uuid(), d.reason.text(), supervisor),
            )

        self.with_pin(ask)

    def edit(self) -> None:
        if not self._need_current():
            return
        attendee = self.desk.store.lookup(self.controller.current.code) or self.controller.current

        def ask(supervisor: str) -> None:
            categories = list(self.desk.store.categories())
            dialog = EditAttendeeDialog(self.translator, attendee, categories, self.window)
            self.show_dialog(dialog, lambda d: self.controller.edit(attendee.code, d.changes(), supervisor))

        self.with_pin(ask)

    def settings(self, *, first_time: bool = False) -> None:
        def ask(_supervisor: str) -> None:
            dialog = SettingsDialog(
                self.translator, self.desk.store, self.desk.desk_name, self.desk.operator, self.window
            )

            def save(d: SettingsDialog) -> None:
                values = d.values()
                apply_settings(self.desk.store, values)
                self.settings_applied.emit(values)

            self.show_dialog(dialog, save)

        if first_time:  # no PIN yet: the first settings dialog is where it gets set
            ask("")
        else:
            self.with_pin(ask)

    def leave_kiosk(self) -> None:
        self.with_pin(lambda _supervisor: self.kiosk_exit_allowed.emit())
