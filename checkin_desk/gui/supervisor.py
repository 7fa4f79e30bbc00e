"""Privileged actions, each behind a staff name and PIN checked by `roles.authorize` with the role
`roles.REQUIRED` names: reprint, admit despite a refusal, cancel a check-in, edit an attendee (a
supervisor), settings and staff accounts (an admin), leaving kiosk mode (a supervisor).

Dialogs chain without nested event loops: PIN dialog -> (accepted, an `Authority`) -> action dialog ->
(accepted) -> the controller does it through the desk service with `authorized_by=`, which checks the
role again and writes the audit log with the authoriser. `self.open_dialog` is the dialog currently
shown (tests drive it).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from checkin_desk.domain.models import Attendee, Status
from checkin_desk.errors import CheckinDeskError
from checkin_desk.gui.controller import DeskController
from checkin_desk.gui.dialogs import CancelScanDialog, EditAttendeeDialog, PinDialog, ReasonDialog
from checkin_desk.gui.i18n import Translator
from checkin_desk.gui.pin import Authority
from checkin_desk.gui.settings_dialog import SettingsDialog, apply_settings
from checkin_desk.services.badge_policy import badge_refusal
from checkin_desk.trust import roles


class SupervisorActions(QObject):
    dialog_closed = Signal()
    settings_applied = Signal(dict)
    kiosk_exit_allowed = Signal()

    def __init__(self, controller: DeskController, translator: Translator, window: QWidget):
        super().__init__(window)
        self.controller, self.translator, self.window = controller, translator, window
        self.open_dialog: QDialog | None = None
        self.authority: Authority | None = None  # who allowed the last privileged action

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

    def with_pin(self, action: str, then: Callable[[Authority], None]) -> QDialog:
        dialog = PinDialog(self.translator, self.desk.store, self.desk.clock, action, self.window)

        def accepted(d: PinDialog) -> None:
            self.authority = d.authority
            then(d.authority)

        return self.show_dialog(dialog, accepted)

    def need_current(self) -> bool:
        if self.controller.current is None:
            self.controller.problem.emit(self.translator.tr("no_current"))
            return False
        return True

    # -- the actions ---------------------------------------------------------------------------

    def reprint(self) -> None:
        if not self.need_current():
            return
        attendee = self.controller.current
        refusal = badge_refusal(self.desk.store, attendee.code)
        if refusal is not None:
            self.print_refused(attendee, refusal)  # a refused pass: only an override prints it
            return

        def ask(by: Authority) -> None:
            subject = f"{attendee.full_name} ({attendee.code})"
            dialog = ReasonDialog(self.translator, "reprint.title", subject, self.window)
            self.show_dialog(dialog, lambda d: self.controller.reprint(attendee.code, d.reason.text(), by))

        self.with_pin("reprint", ask)

    def print_refused(self, attendee: Attendee, status: Status) -> QDialog:
        """The badge of a pass the rules refuse: say why, then a supervisor's PIN and reason."""
        t = self.translator.tr
        box = QMessageBox(self.window)
        box.setObjectName("refusedPrint")
        box.setIcon(QMessageBox.Warning)
        box.setWindowTitle(t("override_print.title"))
        who = attendee.full_name or attendee.code
        box.setText(t("override_print.question", name=who, why=t(f"reason.{status}")))
        ask_button = box.addButton(t("override_print.ask"), QMessageBox.AcceptRole)
        box.addButton(t("cancel"), QMessageBox.RejectRole)
        box.setDefaultButton(ask_button)

        def ask(by: Authority) -> None:
            subject = f"{who} ({attendee.code}) — {t(f'reason.{status}')}"
            dialog = ReasonDialog(self.translator, "override_print.title", subject, self.window)
            self.show_dialog(
                dialog, lambda d: self.controller.print_refused(attendee.code, d.reason.text(), by)
            )

        return self.show_dialog(
            box, lambda _box: QTimer.singleShot(0, lambda: self.with_pin("override", ask))
        )

    def override(self) -> None:
        last = self.controller.last
        if last is None or last.admitted or not last.code:
            self.controller.problem.emit(self.translator.tr("no_current"))
            return

        def ask(by: Authority) -> None:
            who = last.attendee.full_name if last.attendee else last.code
            dialog = ReasonDialog(self.translator, "override.title", f"{who} — {last.status}", self.window)
            self.show_dialog(dialog, lambda d: self.controller.override(last.code, d.reason.text(), by))

        self.with_pin("override", ask)

    def cancel_checkin(self) -> None:
        def ask(by: Authority) -> None:
            scans = self.desk.last_scans(30)
            names = {}
            for scan in scans:
                code = scan["attendee_code"]
                if code and code not in names and (person := self.desk.store.lookup(code)):
                    names[code] = person.full_name
            dialog = CancelScanDialog(self.translator, scans, names, self.window)
            self.show_dialog(
                dialog,
                lambda d: self.controller.cancel_checkin(d.scan_uuid(), d.reason.text(), by),
            )

        self.with_pin("cancel_checkin", ask)

    def edit(self) -> None:
        if not self.need_current():
            return
        attendee = self.desk.store.lookup(self.controller.current.code) or self.controller.current

        def ask(by: Authority) -> None:
            categories = list(self.desk.store.categories())
            dialog = EditAttendeeDialog(self.translator, attendee, categories, self.window)
            self.show_dialog(dialog, lambda d: self.controller.edit(attendee.code, d.changes(), by))

        self.with_pin("edit_attendee", ask)

    def settings(self) -> None:
        """F10. Before the first staff account, no PIN: the dialog is where the first admin is made."""

        def ask(by: Authority | None) -> None:
            dialog = SettingsDialog(
                self.translator,
                self.desk.store,
                self.desk.desk_name,
                self.desk.operator,
                self.window,
                admin=by,
            )

            def save(d: SettingsDialog) -> None:
                values = d.values()
                who = d.authority() or Authority(self.desk.operator or self.desk.desk_name)
                try:
                    apply_settings(self.desk, values, who)
                except (CheckinDeskError, ValueError) as exc:  # refused: a role, a purged event's hub
                    self.controller.problem.emit(str(exc))
                    return
                self.settings_applied.emit(values)

            self.show_dialog(dialog, save)

        if roles.enforced(self.desk.store):
            self.with_pin("settings", ask)
        else:
            ask(None)

    def leave_kiosk(self) -> None:
        def leave(by: Authority) -> None:
            if self.controller.leave_kiosk(by):
                self.kiosk_exit_allowed.emit()

        self.with_pin("kiosk_exit", leave)
