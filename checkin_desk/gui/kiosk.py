"""Kiosk mode: full screen, scan only, large instructions in French, Arabic and English.

The page shows its own banner and nothing to click; leaving it needs the supervisor PIN (Escape or
Ctrl+Shift+K open the PIN dialog).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from checkin_desk.gui.banner import ResultBanner, big_font
from checkin_desk.gui.i18n import KIOSK_LINES, Translator


class KioskPage(QWidget):
    exit_requested = Signal()

    def __init__(self, translator: Translator, timezone: str, parent=None):
        super().__init__(parent)
        self.translator = translator
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 30, 40, 30)
        self.lines = []
        for language, text in KIOSK_LINES:
            label = QLabel(text, objectName=f"kiosk_{language}")
            label.setFont(big_font(30))
            label.setAlignment(Qt.AlignCenter)
            label.setLayoutDirection(Qt.RightToLeft if language == "ar" else Qt.LeftToRight)
            layout.addWidget(label)
            self.lines.append(label)
        self.banner = ResultBanner(translator, timezone)
        layout.addWidget(self.banner, 1)
        self.leave = QPushButton(objectName="kioskExit")
        self.leave.setFlat(True)
        self.leave.setFocusPolicy(Qt.NoFocus)  # a visitor's Enter must never press it
        self.leave.clicked.connect(self.exit_requested)
        layout.addWidget(self.leave, 0, Qt.AlignRight)
        translator.changed.connect(self.retranslate)
        self.retranslate()

    def retranslate(self, *_args) -> None:
        self.leave.setText(self.translator.tr("kiosk.exit") + " (Esc)")
