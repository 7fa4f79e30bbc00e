"""Settings (an admin's name and PIN): desk name, operator, printers and pool order, badge template
per category, language, kiosk mode, hub connection, and staff accounts (`staff_box`).

Before the event has a staff account the dialog opens without a PIN and offers to create the first
one, an admin (name and PIN twice); from then on every privileged action needs a name and PIN.

Behaviour settings of the event live in its database (`store.settings`) and are changed through
`Desk.change_setting` (role checked again, audited with the old and new value); the desk's operator
and language live in the machine's config. The dialog only collects values: `SettingsDialog.values()`;
`apply_settings` writes them (no Qt), so the CLI and tests can do the same without a window.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from checkin_desk.gui.delays import (
    KIOSK_READY_AFTER_S,
    KIOSK_READY_AFTER_SETTING,
    READY_AFTER_S,
    READY_AFTER_SETTING,
    seconds_setting,
)
from checkin_desk.gui.dialogs import FormDialog
from checkin_desk.gui.i18n import LANGUAGE_NAMES, LANGUAGES, Translator
from checkin_desk.gui.pin import Authority
from checkin_desk.gui.staff_box import FirstAdminBox, StaffBox
from checkin_desk.printing import CATEGORY_TEMPLATES_SETTING
from checkin_desk.services.desk import Desk
from checkin_desk.storage.store import HUB_DSN_SETTING, Store
from checkin_desk.trust import roles
from checkin_desk.util.config import MachineConfig

TEMPLATES_SETTING = CATEGORY_TEMPLATES_SETTING  # {category: template name}, honoured by the print path
KIOSK_SETTING = "gui_kiosk"
HUB_SETTING = HUB_DSN_SETTING
TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "resources" / "templates"


def template_names() -> list[str]:
    try:
        from checkin_desk.badges import template_names as names  # the badges module, when it is there

        return list(names())
    except ImportError:
        return sorted(p.stem for p in TEMPLATE_DIR.glob("*.json"))


def printer_rows(store: Store) -> list[dict]:
    return list(
        store.db.query(
            "SELECT name, kind, target, pool_order, enabled FROM printers ORDER BY pool_order, name"
        )
    )


def set_hub(store: Store, dsn: str) -> None:
    """Like `checkin-desk hub connect DSN` / `hub disconnect` (without the connection check: the
    window shows whether the hub answers). Raises HubError for an address that cannot be read."""
    from checkin_desk.sync import credentials  # the password goes to its own file, not the event's

    dsn = dsn.strip()
    if not dsn:
        credentials.disconnect(store)
        return
    _hub_connection().parse(dsn)
    credentials.connect_store(store, dsn)


def apply_settings(desk: Desk, values: dict, by: Authority) -> None:
    """Write what the settings dialog collected (each key optional), as `by` (an admin once roles are
    enforced). Event settings go through `Desk.change_setting`; only changed values are written."""
    store = desk.store
    admin = by.kwargs("admin")

    def change(key: str, value, default=None) -> None:
        if store.get_setting(key, default) != value:
            desk.change_setting(key, value, **admin)

    roles.require(store, "settings", by.staff, by.name)  # before anything is written
    if "desk_name" in values and values["desk_name"].strip():
        change("desk_name", values["desk_name"].strip(), desk.desk_name)
    if "templates" in values:
        change(TEMPLATES_SETTING, {k: v for k, v in values["templates"].items() if v}, {})
    if "kiosk" in values:
        change(KIOSK_SETTING, bool(values["kiosk"]), False)
    if "ready_after" in values:
        change(READY_AFTER_SETTING, int(values["ready_after"]), READY_AFTER_S)
    if "kiosk_ready_after" in values:
        change(KIOSK_READY_AFTER_SETTING, int(values["kiosk_ready_after"]), KIOSK_READY_AFTER_S)
    if "hub_dsn" in values:
        before = store.get_setting(HUB_SETTING, "") or ""
        set_hub(store, values["hub_dsn"])
        _audit(desk, by, HUB_SETTING, {"before": _masked(before), "after": _masked(values["hub_dsn"])})
    if "printers" in values:
        order = [(name, bool(enabled)) for name, enabled in values["printers"]]
        before = [(row["name"], bool(row["enabled"])) for row in printer_rows(store)]
        if order != before:
            with store.transaction() as conn:
                for position, (name, enabled) in enumerate(order):
                    conn.execute(
                        "UPDATE printers SET pool_order = ?, enabled = ? WHERE name = ?",
                        (position, int(enabled), name),
                    )
            _audit(desk, by, "printers", {"before": before, "after": order})
    machine = ("operator", "language", "sound_volume", "sound_muted")
    if any(key in values for key in machine):
        config = MachineConfig.load()
        config.operator = values.get("operator", config.operator).strip()
        config.language = values.get("language", config.language)
        config.sound_volume = int(values.get("sound_volume", config.sound_volume))
        config.sound_muted = bool(values.get("sound_muted", config.sound_muted))
        config.save()


def _hub_connection():
    # The hub client (psycopg) is imported when a hub address is shown or edited, not at start-up.
    from checkin_desk.sync import connection

    return connection


def _masked(dsn: str) -> str:
    return _hub_connection().mask(dsn.strip()) if dsn.strip() else ""


def _audit(desk: Desk, by: Authority, subject: str, details: dict) -> None:
    """A settings change that is not a plain event setting (the hub address, masked; the printers)."""
    auth = {"role": by.staff.role.key, "desk_operator": desk.operator} if by.staff else {}
    with desk.store.transaction() as conn:
        desk.store.audit(
            conn,
            desk=desk.desk_name,
            operator=by.name,
            action="settings",
            subject=subject,
            details={**details, **auth},
        )


class SettingsDialog(FormDialog):
    scrolling = True  # it is long: it scrolls inside a window that fits a 1024×600 screen

    def __init__(
        self,
        translator: Translator,
        store: Store,
        desk_name: str,
        operator: str,
        parent=None,
        *,
        admin: Authority | None = None,
    ):
        super().__init__(translator, "settings.title", parent)
        t = translator.tr
        self.store = store
        self.admin = admin  # who opened it (an admin), or None before the first staff account
        self.desk_name = self.add_line("settings.desk", "setDesk", desk_name)
        self.operator = self.add_line("settings.operator", "setOperator", operator)
        self.language = QComboBox(objectName="setLanguage")
        for code in LANGUAGES:
            self.language.addItem(LANGUAGE_NAMES[code], code)
        self.language.setCurrentIndex(LANGUAGES.index(translator.language))
        self.form.addRow(t("settings.language"), self.language)
        self.kiosk = QCheckBox(t("settings.kiosk"), objectName="setKiosk")
        self.kiosk.setChecked(bool(store.get_setting(KIOSK_SETTING, False)))
        self.form.addRow(self.kiosk)
        self.ready_after = self._seconds("setReadyAfter", READY_AFTER_SETTING, READY_AFTER_S)
        self.form.addRow(t("settings.ready_after"), self.ready_after)
        self.kiosk_ready_after = self._seconds(
            "setKioskReadyAfter", KIOSK_READY_AFTER_SETTING, KIOSK_READY_AFTER_S
        )
        self.form.addRow(t("settings.kiosk_ready_after"), self.kiosk_ready_after)
        config = MachineConfig.load()
        self.volume = QSpinBox(objectName="setVolume", minimum=0, maximum=100, singleStep=10, suffix=" %")
        self.volume.setValue(config.sound_volume)
        self.form.addRow(t("settings.volume"), self.volume)
        self.muted = QCheckBox(t("settings.muted"), objectName="setMuted")
        self.muted.setChecked(config.sound_muted)
        self.form.addRow(self.muted)
        # Never the password: the field shows the DSN masked; left as shown, the stored DSN is kept.
        dsn = store.get_setting(HUB_SETTING, "") or ""
        self.hub_shown = _masked(dsn)
        self.hub = self.add_line("settings.hub", "setHub", self.hub_shown)
        self.form.addRow(self._printers_box())
        self.form.addRow(self._templates_box())
        self.first_admin: FirstAdminBox | None = None
        self.staff: StaffBox | None = None
        if not roles.enforced(store):
            self.first_admin = FirstAdminBox(translator)
            self.form.addRow(self.first_admin)
        elif admin is not None and admin.staff is not None:
            self.staff = StaffBox(translator, store, admin.staff)
            self.form.addRow(self.staff)

    def authority(self) -> Authority | None:
        """Who the settings are saved as: the admin who opened the dialog, or the one just created."""
        if self.first_admin is not None and self.first_admin.created is not None:
            return Authority(self.first_admin.created.name, self.first_admin.created)
        return self.admin

    def _printers_box(self) -> QGroupBox:
        box = QGroupBox(self.translator.tr("settings.printers"))
        self.printers = QListWidget(objectName="setPrinters")
        for row in printer_rows(self.store):
            item = QListWidgetItem(f"{row['name']}  ({row['kind']} {row['target']})")
            item.setData(Qt.UserRole, row["name"])
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Checked if row["enabled"] else Qt.Unchecked)
            self.printers.addItem(item)
        up = QPushButton(self.translator.tr("settings.up") + " (Ctrl+↑)", objectName="printerUp")
        down = QPushButton(self.translator.tr("settings.down") + " (Ctrl+↓)", objectName="printerDown")
        up.clicked.connect(lambda: self._move(-1))
        down.clicked.connect(lambda: self._move(1))
        # Without the mouse: Ctrl+Up / Ctrl+Down move the chosen printer, Space turns it on or off.
        for keys, step in (("Ctrl+Up", -1), ("Ctrl+Down", 1)):
            shortcut = QShortcut(QKeySequence(keys), self.printers, context=Qt.WidgetShortcut)
            shortcut.activated.connect(lambda step=step: self._move(step))
        if self.printers.count():
            self.printers.setCurrentRow(0)
        buttons = QHBoxLayout()
        buttons.addWidget(up)
        buttons.addWidget(down)
        layout = QVBoxLayout(box)
        layout.addWidget(self.printers)
        layout.addLayout(buttons)
        return box

    def _seconds(self, name: str, key: str, default: int) -> QSpinBox:
        box = QSpinBox(objectName=name, minimum=0, maximum=600, suffix=" s")
        box.setValue(seconds_setting(self.store, key, default))
        return box

    def _move(self, step: int) -> None:
        row = self.printers.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.printers.count():
            return
        item = self.printers.takeItem(row)
        self.printers.insertItem(target, item)
        self.printers.setCurrentRow(target)

    def _templates_box(self) -> QGroupBox:
        box = QGroupBox(self.translator.tr("settings.templates"))
        form = QFormLayout(box)
        chosen = self.store.get_setting(TEMPLATES_SETTING, {}) or {}
        names = template_names()
        self.templates: dict[str, QComboBox] = {}
        language = self.translator.language
        for key, row in self.store.categories().items():
            combo = QComboBox(objectName=f"template_{key}")
            combo.addItem(self.translator.tr("settings.default_template"), "")
            for name in names:
                combo.addItem(name, name)
            index = combo.findData(chosen.get(key, ""))
            combo.setCurrentIndex(max(index, 0))
            form.addRow(row.get(f"label_{language}") or key, combo)
            self.templates[key] = combo
        return box

    def validate(self) -> str:
        hub = self.hub.text().strip()
        if hub and hub != self.hub_shown:
            from checkin_desk.sync import credentials

            if credentials.purged(self.store):
                return self.translator.tr("settings.hub_purged")
            connection = _hub_connection()
            if connection.MASK in hub:
                return self.translator.tr("settings.hub_retype")
            try:
                connection.parse(hub)
            except connection.HubError as exc:
                return str(exc)
        if self.first_admin is not None:
            return self.first_admin.create(self.store)  # last: nothing else can refuse after it
        return ""

    def values(self) -> dict:
        printers = []
        for i in range(self.printers.count()):
            item = self.printers.item(i)
            printers.append((item.data(Qt.UserRole), item.checkState() == Qt.Checked))
        values = {
            "desk_name": self.desk_name.text(),
            "operator": self.operator.text(),
            "language": self.language.currentData(),
            "kiosk": self.kiosk.isChecked(),
            "ready_after": self.ready_after.value(),
            "kiosk_ready_after": self.kiosk_ready_after.value(),
            "sound_volume": self.volume.value(),
            "sound_muted": self.muted.isChecked(),
            "printers": printers,
            "templates": {key: combo.currentData() for key, combo in self.templates.items()},
        }
        if self.hub.text().strip() != self.hub_shown:
            values["hub_dsn"] = self.hub.text()  # changed: connect to it, or disconnect when empty
        return values
