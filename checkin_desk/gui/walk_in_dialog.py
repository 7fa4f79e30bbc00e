"""Walk-in registration: names (any script), company, category, e-mail. The desk creates the
attendee with a new code, checks them in and queues the badge, in one transaction."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox

from checkin_desk.gui.dialogs import FormDialog
from checkin_desk.gui.i18n import Translator


class WalkInDialog(FormDialog):
    def __init__(self, translator: Translator, categories: dict[str, dict], parent=None):
        super().__init__(translator, "walkin.title", parent)
        self.first_name = self.add_line("field.first_name", "walkFirst")
        self.last_name = self.add_line("field.last_name", "walkLast")
        self.company = self.add_line("field.company", "walkCompany")
        self.category = QComboBox(objectName="walkCategory")
        language = translator.language
        for key, row in categories.items():
            self.category.addItem(row.get(f"label_{language}") or key, key)
        index = self.category.findData("visitor")
        self.category.setCurrentIndex(max(index, 0))
        self.form.addRow(translator.tr("field.category"), self.category)
        self.email = self.add_line("field.email", "walkEmail")

    def values(self) -> dict[str, str]:
        return {
            "first_name": self.first_name.text(),
            "last_name": self.last_name.text(),
            "company": self.company.text(),
            "category": self.category.currentData() or "visitor",
            "email": self.email.text(),
        }

    def validate(self) -> str:
        if not (self.first_name.text().strip() or self.last_name.text().strip()):
            return self.translator.tr("walkin.need_name")
        return ""
