"""Supervisor dialogs: the PIN gate (name + PIN, checked by roles.authorize), a reason prompt (reprint, override), cancel a check-in, edit.

Every dialog is opened with `open()` (window-modal, never a nested event loop) and reports through
`accepted`; the main window performs the action through the desk service, which writes the audit log.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from checkin_desk.domain.models import Attendee, PassStatus
from checkin_desk.gui import pin
from checkin_desk.gui.i18n import Translator
from checkin_desk.gui.scan_capture import TYPING_ONLY
from checkin_desk.storage.store import Store
from checkin_desk.trust import roles


class FormDialog(QDialog):
    """A form with OK/Cancel and an error line; subclasses implement `validate()`.

    It opens with the keyboard in its first field and Tab going down the form, then to OK and Cancel:
    what a supervisor types goes into the form, never into the desk behind it. A long form
    (`scrolling = True`) scrolls inside a window that fits a 1024×600 screen.
    """

    scrolling = False

    def __init__(self, translator: Translator, title_key: str, parent=None):
        super().__init__(parent)
        self.translator = translator
        self.setWindowTitle(translator.tr(title_key))
        self.setLayoutDirection(Qt.RightToLeft if translator.right_to_left else Qt.LeftToRight)
        self.body = QWidget(objectName="dialogBody")
        self.form = QFormLayout(self.body)
        self.error = QLabel(objectName="dialogError", wordWrap=True)
        self.error.setStyleSheet("color: #C62828; font-weight: bold;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.button(QDialogButtonBox.Ok).setText(translator.tr("ok"))
        self.buttons.button(QDialogButtonBox.Cancel).setText(translator.tr("cancel"))
        self.buttons.accepted.connect(self._try_accept)
        self.buttons.rejected.connect(self.reject)
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        if self.scrolling:
            self.scroll = QScrollArea(objectName="dialogScroll", widgetResizable=True)
            self.scroll.setFrameShape(QFrame.NoFrame)
            self.scroll.setWidget(self.body)
            layout.addWidget(self.scroll, 1)
        else:
            layout.addWidget(self.body)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self._chained = False

    def inputs(self) -> list[QWidget]:
        """The form's fields in the order they are shown, for the keyboard."""
        found: list[QWidget] = []
        for row in range(self.form.rowCount()):
            for role in (QFormLayout.FieldRole, QFormLayout.SpanningRole):
                item = self.form.itemAt(row, role)
                widget = item.widget() if item is not None else None
                if widget is not None:
                    found.extend(_focusable(widget))
        return found

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._chained:
            return
        self._chained = True
        fields = self.inputs()
        chain = [
            *fields,
            self.buttons.button(QDialogButtonBox.Ok),
            self.buttons.button(QDialogButtonBox.Cancel),
        ]
        for before, after in itertools.pairwise(chain):
            QWidget.setTabOrder(before, after)
        first = next((w for w in fields if w.isEnabled() and not isinstance(w, QAbstractButton)), None)
        if first is not None:
            first.setFocus(Qt.TabFocusReason)

    def add_line(self, key: str, name: str, text: str = "", *, password: bool = False) -> QLineEdit:
        edit = QLineEdit(text, objectName=name)
        edit.setMaxLength(300)
        if password:
            edit.setEchoMode(QLineEdit.Password)
        self.form.addRow(self.translator.tr(key), edit)
        return edit

    def validate(self) -> str:
        """Return an error message (translated) or "" when the form may be accepted."""
        return ""

    def _try_accept(self) -> None:
        problem = self.validate()
        if problem:
            self.error.setText(problem)
            return
        self.accept()


def _focusable(widget: QWidget) -> list[QWidget]:
    """`widget` and the fields inside it that take the keyboard by Tab, in the order they were made."""
    candidates = [widget, *widget.findChildren(QWidget)]
    return [
        w
        for w in candidates
        if w.focusPolicy() & Qt.TabFocus
        and not isinstance(w, QScrollArea)
        and not isinstance(w.parentWidget(), QComboBox | QAbstractSpinBox)  # their inner parts
        and w.isVisibleTo(widget.window())
    ]


class PinDialog(FormDialog):
    """Asks a staff member's name and PIN for `action` (roles.REQUIRED); accepted only when
    roles.authorize allows it. `authority` is then what the desk service takes as `authorized_by`."""

    def __init__(
        self, translator: Translator, store: Store, now: Callable[[], datetime], action: str, parent=None
    ):
        super().__init__(translator, "pin.title", parent)
        self.setProperty(TYPING_ONLY, True)  # a name and PIN typed fast are never taken for a scan
        self.store, self.now, self.action = store, now, action
        role = pin.role_name(translator.tr, pin.needed(action))
        self.form.addRow(QLabel(translator.tr("pin.needs", role=role), objectName="pinNeeds"))
        self.name = self.add_line("pin.name", "pinName")
        self.pin = self.add_line("pin.pin", "pinCode", password=True)
        self.authority: pin.Authority | None = None
        if not roles.enforced(store):  # no staff accounts yet: the name typed is recorded, as in the core
            self.pin.setEnabled(False)
            self.error.setText(translator.tr("pin.no_staff"))

    def validate(self) -> str:
        now = self.now()
        try:
            self.authority = pin.check(self.store, self.action, self.name.text(), self.pin.text(), now)
        except roles.AuthorizationError as exc:
            self.pin.clear()
            return pin.message(self.translator.tr, exc, now)
        return ""


class ReasonDialog(FormDialog):
    def __init__(self, translator: Translator, title_key: str, subject: str, parent=None):
        super().__init__(translator, title_key, parent)
        self.form.addRow(QLabel(subject, objectName="reasonSubject"))
        self.reason = self.add_line("field.reason", "reasonText")

    def validate(self) -> str:
        return "" if self.reason.text().strip() else self.translator.tr("need_reason")


class CancelScanDialog(ReasonDialog):
    """Pick one of this desk's recent admitted check-ins, give a reason."""

    def __init__(self, translator: Translator, scans: list[dict], names: dict[str, str], parent=None):
        super().__init__(translator, "cancelscan.title", translator.tr("last_scans"), parent)
        self.scans = QListWidget(objectName="cancelScans")
        for scan in scans:
            if not scan["admitted"] or scan["cancelled_at"]:
                continue
            who = names.get(scan["attendee_code"] or "", scan["code"])
            item = QListWidgetItem(f"{scan['at'][11:19]}  {who}  ({scan['code']})")
            item.setData(Qt.UserRole, scan["uuid"])
            self.scans.addItem(item)
        if self.scans.count():
            self.scans.setCurrentRow(0)
        self.form.insertRow(1, self.scans)

    def scan_uuid(self) -> str | None:
        item = self.scans.currentItem()
        return item.data(Qt.UserRole) if item else None

    def validate(self) -> str:
        if self.scan_uuid() is None:
            return self.translator.tr("no_current")
        return super().validate()


class EditAttendeeDialog(FormDialog):
    FIELDS = ("first_name", "last_name", "company", "job_title", "email", "notes")

    def __init__(self, translator: Translator, attendee: Attendee, categories: list[str], parent=None):
        super().__init__(translator, "edit.title", parent)
        self.attendee = attendee
        self.form.addRow(QLabel(attendee.code, objectName="editCode"))
        self.edits = {f: self.add_line(f"field.{f}", f"edit_{f}", getattr(attendee, f)) for f in self.FIELDS}
        self.category = QComboBox(objectName="editCategory")
        self.category.addItems(categories)
        self.category.setCurrentText(attendee.category)
        self.form.addRow(translator.tr("field.category"), self.category)
        self.status = QComboBox(objectName="editStatus")
        self.status.addItems([str(s) for s in PassStatus])
        self.status.setCurrentText(str(attendee.status))
        self.form.addRow(translator.tr("field.status"), self.status)

    def changes(self) -> dict[str, str]:
        new = {f: edit.text() for f, edit in self.edits.items()}
        new["category"] = self.category.currentText()
        new["status"] = self.status.currentText()
        return {k: v for k, v in new.items() if v != str(getattr(self.attendee, k))}

    def validate(self) -> str:
        if not (self.edits["first_name"].text().strip() or self.edits["last_name"].text().strip()):
            return self.translator.tr("walkin.need_name")
        return ""
