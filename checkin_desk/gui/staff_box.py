"""Staff accounts in the settings dialog, through `checkin_desk.trust.roles` only.

- `FirstAdminBox`: before the event has any staff account, the first one (an admin: name, PIN twice).
  Left empty, the settings are saved as before and privileged actions keep trusting the name typed.
- `StaffBox`: for an admin, the accounts with their roles, add an operator / supervisor / admin, and
  set a new PIN for the selected account (which also lifts its lockout). Each change is made at once,
  by `roles.add_staff` / `roles.set_pin` with the admin as `by`, and audited there.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
)

from checkin_desk.gui import pin
from checkin_desk.gui.i18n import Translator
from checkin_desk.gui.scan_capture import TYPING_ONLY
from checkin_desk.storage.store import Store
from checkin_desk.trust import roles
from checkin_desk.trust.roles import Role, Staff


def _pin_edit(name: str) -> QLineEdit:
    edit = QLineEdit(objectName=name)
    edit.setEchoMode(QLineEdit.Password)
    edit.setMaxLength(64)
    return edit


class FirstAdminBox(QGroupBox):
    def __init__(self, translator: Translator, parent=None):
        super().__init__(translator.tr("staff.first_title"), parent)
        self.setProperty(TYPING_ONLY, True)  # a name and PIN typed fast are never taken for a scan
        self.translator = translator
        t = translator.tr
        self.created: Staff | None = None
        form = QFormLayout(self)
        form.addRow(QLabel(t("staff.first_hint"), objectName="firstAdminHint", wordWrap=True))
        self.name = QLineEdit(objectName="firstAdminName")
        self.name.setMaxLength(64)
        self.pin, self.again = _pin_edit("firstAdminPin"), _pin_edit("firstAdminPinAgain")
        form.addRow(t("staff.name"), self.name)
        form.addRow(t("staff.pin"), self.pin)
        form.addRow(t("staff.pin_again"), self.again)

    def create(self, store: Store) -> str:
        """Create the admin if the fields were filled in; "" or what is wrong (translated)."""
        tr = self.translator.tr
        name = self.name.text().strip()
        if self.created is not None or not (name or self.pin.text() or self.again.text()):
            return ""
        if not name:
            return tr("staff.need_name")
        problem = pin.new_pin_problem(tr, self.pin.text(), self.again.text(), Role.ADMIN)
        if problem:
            return problem
        try:
            self.created = roles.add_staff(store, name, Role.ADMIN, self.pin.text())
        except roles.AuthorizationError as exc:
            return pin.message(tr, exc)
        except ValueError as exc:
            return str(exc)
        return ""


class StaffBox(QGroupBox):
    def __init__(self, translator: Translator, store: Store, admin: Staff, parent=None):
        super().__init__(translator.tr("staff.title"), parent)
        self.setProperty(TYPING_ONLY, True)
        self.translator, self.store, self.admin = translator, store, admin
        t = translator.tr
        self.accounts = QListWidget(objectName="staffList")
        self.name = QLineEdit(objectName="staffName")
        self.name.setMaxLength(64)
        self.role = QComboBox(objectName="staffRole")
        for role in (Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN):
            self.role.addItem(pin.role_name(t, role), role.key)
        self.pin, self.again = _pin_edit("staffPin"), _pin_edit("staffPinAgain")
        self.add = QPushButton(t("staff.add"), objectName="staffAdd")
        self.reset = QPushButton(t("staff.reset"), objectName="staffReset")
        self.add.clicked.connect(self.add_account)
        self.reset.clicked.connect(self.reset_pin)
        self.status = QLabel(objectName="staffStatus", wordWrap=True)
        form = QFormLayout()
        form.addRow(t("staff.name"), self.name)
        form.addRow(t("staff.role"), self.role)
        form.addRow(t("staff.pin"), self.pin)
        form.addRow(t("staff.pin_again"), self.again)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add)
        buttons.addWidget(self.reset)
        layout = QVBoxLayout(self)
        layout.addWidget(self.accounts)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self.refresh()

    def refresh(self) -> None:
        self.accounts.clear()
        for staff in roles.list_staff(self.store):
            item = QListWidgetItem(f"{staff.name} — {pin.role_name(self.translator.tr, staff.role)}")
            item.setData(Qt.UserRole, staff.name)
            self.accounts.addItem(item)

    def _done(self, key: str, **values) -> None:
        self.pin.clear()
        self.again.clear()
        self.status.setText(self.translator.tr(key, **values))
        self.refresh()

    def _refusal(self, change) -> str:
        """Make a staff change; what refused it, in words for the admin ("" when it was made)."""
        try:
            change()
        except roles.AuthorizationError as exc:
            return pin.message(self.translator.tr, exc)
        except ValueError as exc:
            return str(exc)
        return ""

    def add_account(self) -> bool:
        tr = self.translator.tr
        role = Role.parse(self.role.currentData())
        name = self.name.text().strip()
        problem = tr("staff.need_name") if not name else ""
        problem = problem or pin.new_pin_problem(tr, self.pin.text(), self.again.text(), role)
        problem = problem or self._refusal(
            lambda: roles.add_staff(self.store, name, role, self.pin.text(), by=self.admin)
        )
        if problem:
            self.status.setText(problem)
            return False
        self.name.clear()
        self._done("staff.added", name=name, role=pin.role_name(tr, role))
        return True

    def reset_pin(self) -> bool:
        tr = self.translator.tr
        item = self.accounts.currentItem()
        staff = roles.get_staff(self.store, item.data(Qt.UserRole)) if item else None
        if staff is None:
            self.status.setText(tr("staff.pick"))
            return False
        problem = pin.new_pin_problem(tr, self.pin.text(), self.again.text(), staff.role)
        problem = problem or self._refusal(
            lambda: roles.set_pin(self.store, staff.name, self.pin.text(), by=self.admin)
        )
        if problem:
            self.status.setText(problem)
            return False
        self._done("staff.pin_set", name=staff.name)
        return True
