"""Settings (supervisor only): desk name, operator, printers and pool order, badge template per
category, language, kiosk mode, hub connection, supervisor PIN.

Behaviour settings of the event live in its database (`store.settings`); the desk's operator and
language live in the machine's config. The dialog only collects values: `SettingsDialog.values()`;
`apply_settings` writes them (no Qt), so the CLI and tests can do the same without a window.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
)

from ..config import MachineConfig
from ..printing import CATEGORY_TEMPLATES_SETTING
from ..store import Store
from ..sync import HubError, connection
from . import pin
from .dialogs import FormDialog
from .i18n import LANGUAGE_NAMES, LANGUAGES, Translator

TEMPLATES_SETTING = CATEGORY_TEMPLATES_SETTING  # {category: template name}, honoured by the print path
KIOSK_SETTING = "gui_kiosk"
HUB_SETTING = "hub_dsn"
TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "resources" / "templates"


def template_names() -> list[str]:
    try:
        from ..badges import template_names as names  # the badges module, when it is there

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
    dsn = dsn.strip()
    if not dsn:
        store.delete_setting(HUB_SETTING)
        return
    connection.parse(dsn)
    with store.transaction():
        store.set_setting(HUB_SETTING, dsn)
        # A new uid per connection: a database file copied to another desk never shares one.
        store.delete_setting("sync_desk_uid")


def apply_settings(store: Store, values: dict) -> None:
    """Write what the settings dialog collected. Each key is optional."""
    if "desk_name" in values and values["desk_name"].strip():
        store.set_setting("desk_name", values["desk_name"].strip())
    if "templates" in values:
        store.set_setting(TEMPLATES_SETTING, {k: v for k, v in values["templates"].items() if v})
    if "kiosk" in values:
        store.set_setting(KIOSK_SETTING, bool(values["kiosk"]))
    if "hub_dsn" in values:
        set_hub(store, values["hub_dsn"])
    if values.get("pin"):
        pin.set_pin(store, values["pin"])
    if "printers" in values:
        with store.transaction() as conn:
            for position, (name, enabled) in enumerate(values["printers"]):
                conn.execute(
                    "UPDATE printers SET pool_order = ?, enabled = ? WHERE name = ?",
                    (position, int(enabled), name),
                )
    if "operator" in values or "language" in values:
        config = MachineConfig.load()
        config.operator = values.get("operator", config.operator).strip()
        config.language = values.get("language", config.language)
        config.save()


class SettingsDialog(FormDialog):
    def __init__(self, translator: Translator, store: Store, desk_name: str, operator: str, parent=None):
        super().__init__(translator, "settings.title", parent)
        t = translator.tr
        self.store = store
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
        # Never the password: the field shows the DSN masked; left as shown, the stored DSN is kept.
        dsn = store.get_setting(HUB_SETTING, "") or ""
        self.hub_shown = connection.mask(dsn) if dsn else ""
        self.hub = self.add_line("settings.hub", "setHub", self.hub_shown)
        self.pin = self.add_line("settings.pin", "setPin", password=True)
        self.form.addRow(self._printers_box())
        self.form.addRow(self._templates_box())

    def _printers_box(self) -> QGroupBox:
        box = QGroupBox(self.translator.tr("settings.printers"))
        self.printers = QListWidget(objectName="setPrinters")
        for row in printer_rows(self.store):
            item = QListWidgetItem(f"{row['name']}  ({row['kind']} {row['target']})")
            item.setData(Qt.UserRole, row["name"])
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Checked if row["enabled"] else Qt.Unchecked)
            self.printers.addItem(item)
        up = QPushButton(self.translator.tr("settings.up"), objectName="printerUp")
        down = QPushButton(self.translator.tr("settings.down"), objectName="printerDown")
        up.clicked.connect(lambda: self._move(-1))
        down.clicked.connect(lambda: self._move(1))
        buttons = QHBoxLayout()
        buttons.addWidget(up)
        buttons.addWidget(down)
        layout = QVBoxLayout(box)
        layout.addWidget(self.printers)
        layout.addLayout(buttons)
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
        code = self.pin.text()
        if code and (len(code) < 4 or not code.isdigit()):
            return "PIN: 4+ digits"
        hub = self.hub.text().strip()
        if hub and hub != self.hub_shown:
            if connection.MASK in hub:
                return self.translator.tr("settings.hub_retype")
            try:
                connection.parse(hub)
            except HubError as exc:
                return str(exc)
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
            "pin": self.pin.text(),
            "printers": printers,
            "templates": {key: combo.currentData() for key, combo in self.templates.items()},
        }
        if self.hub.text().strip() != self.hub_shown:
            values["hub_dsn"] = self.hub.text()  # changed: connect to it, or disconnect when empty
        return values
