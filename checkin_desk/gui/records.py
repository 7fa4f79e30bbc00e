"""Two supervisor actions on the event's records: re-issue a pass (F5) and export the attendee list.

Re-issue: needs the event's private key on this machine (checked first: without it the desk says so
and what to do, and asks nobody's PIN). Then PIN dialog -> reason -> `desk_ops.reissue_and_print`
through the controller: the old signed code is revoked and the new badge is queued in one transaction.

Export: PIN dialog -> a (non-native) save dialog -> `personal_data.export_attendees` on the "db"
worker with its own connection -> the status bar says where and how many, or why not.
"""

from __future__ import annotations

import errno
import os
import sys
from datetime import date
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox

from checkin_desk.gui import pin
from checkin_desk.gui.dialogs import ReasonDialog
from checkin_desk.gui.pin import Authority
from checkin_desk.gui.supervisor import SupervisorActions
from checkin_desk.storage.store import Store, StoreError
from checkin_desk.trust import signing
from checkin_desk.trust.personal_data import export_attendees
from checkin_desk.trust.roles import AuthorizationError


def write_export(db_path: str, out: str, desk: str, by: Authority) -> tuple[str, int]:
    """Runs on the "db" worker: its own connection, never the GUI thread's. Returns (path, rows)."""
    store = Store.open(db_path)
    try:
        count = export_attendees(store, out, desk=desk, claimed=by.name, authorized_by=by.staff)
    finally:
        store.close()
    return out, count


class RecordActions(QObject):
    message = Signal(str)  # for the status bar

    def __init__(self, supervisor: SupervisorActions):
        super().__init__(supervisor)
        self.supervisor = supervisor
        self.controller, self.translator = supervisor.controller, supervisor.translator
        self.window = supervisor.window
        self.export_dir = Path.home()
        self.exporting = False

    @property
    def desk(self):
        return self.controller.desk

    def _inform(self, text: str, *, warning: bool = True) -> QMessageBox:
        box = QMessageBox(self.window)
        box.setIcon(QMessageBox.Warning if warning else QMessageBox.Information)
        box.setWindowTitle(self.translator.tr("error.title"))
        box.setText(text)
        return self.supervisor.show_dialog(box, lambda _box: None)

    # -- re-issue a pass -----------------------------------------------------------------------

    def reissue(self) -> None:
        if not self.supervisor.need_current():
            return
        attendee = self.controller.current
        if signing.private_key(self.desk.store) is None:
            text = self.translator.tr("reissue.no_key")
            self.message.emit(text.split("\n")[0])
            self._inform(text)
            return

        def ask(by: Authority) -> None:
            subject = f"{attendee.full_name} ({attendee.code})"
            dialog = ReasonDialog(self.translator, "reissue.title", subject, self.window)
            self.supervisor.show_dialog(
                dialog, lambda d: self.controller.reissue(attendee.code, d.reason.text(), by)
            )

        self.supervisor.with_pin("reissue_pass", ask)

    # -- export the attendee list ----------------------------------------------------------------

    def export(self) -> None:
        if self.exporting:
            self.message.emit(self.translator.tr("export.busy"))
            return
        self.supervisor.with_pin("export_attendees", self._choose_file)

    def _choose_file(self, by: Authority) -> None:
        t = self.translator.tr
        dialog = QFileDialog(self.window, t("export.title"), str(self.export_dir))
        dialog.setObjectName("exportFile")
        dialog.setOption(QFileDialog.DontUseNativeDialog)  # the same on every OS; tests can drive it
        dialog.setAcceptMode(QFileDialog.AcceptSave)
        dialog.setFileMode(QFileDialog.AnyFile)
        dialog.setNameFilter(t("export.filter"))
        dialog.setDefaultSuffix("csv")
        dialog.selectFile(f"attendees-{date.today().isoformat()}.csv")

        def chosen(d: QFileDialog) -> None:
            files = d.selectedFiles()
            if files:
                self.start_export(files[0], by)

        self.supervisor.show_dialog(dialog, chosen)

    def start_export(self, path: str, by: Authority) -> None:
        self.exporting = True
        self.export_dir = Path(path).parent
        self.message.emit(self.translator.tr("export.running"))
        self.controller.runner.submit(
            write_export,
            self.desk.store.path,
            path,
            self.desk.desk_name,
            by,
            done=self._exported,
            failed=lambda exc: self._export_failed(path, exc),
        )

    def _exported(self, result: tuple[str, int]) -> None:
        self.exporting = False
        path, count = result
        self.message.emit(self.translator.tr("export.done", n=count, path=path))

    def _export_failed(self, path: str, exc: BaseException) -> None:
        self.exporting = False
        if not isinstance(exc, (OSError, StoreError)):  # a bug: the crash dialog and the log
            sys.excepthook(type(exc), exc, exc.__traceback__)
            return
        text = self.translator.tr("export.failed", why=self.why(path, exc))
        self.message.emit(text)
        self._inform(text)

    def why(self, path: str, exc: Exception) -> str:
        """Expected trouble in plain words; anything else as the system worded it."""
        t, folder = self.translator.tr, str(Path(path).parent)
        if isinstance(exc, AuthorizationError):
            return pin.message(t, exc)
        code = getattr(exc, "errno", None)
        if code in (errno.EACCES, errno.EPERM):
            return t("export.no_permission", folder=folder)
        if code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
            return t("export.disk_full")
        if code == errno.EROFS:
            return t("export.read_only", folder=folder)
        if code == errno.ENOENT and not os.path.isdir(folder):
            return t("export.no_folder", folder=folder)
        return getattr(exc, "strerror", None) or str(exc)
