"""Kiosk mode: full screen, scan only, for the public — in French, Arabic and English at once.

The welcome screen asks for the badge's QR code in the three languages. A scan shows the verdict in
the three languages, large and centred, with the visitor's name and one friendly line ("Adressez-vous
à l'accueil" when refused): never a reason, a staff note, a category or a company, which are the
desk's business. After `ready_after_ms` the welcome screen comes back for the next visitor. Nothing
to click; leaving needs a supervisor's name and PIN (Escape or Ctrl+Shift+K open the PIN dialog).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QFrame, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from checkin_desk.domain.models import Outcome
from checkin_desk.gui.banner import COLOURS, ICONS
from checkin_desk.gui.elided import ElidedLabel
from checkin_desk.gui.i18n import KIOSK_LINES, Translator
from checkin_desk.gui.verdict import kind_of, kiosk_lines

DIRECTION = {"ar": Qt.RightToLeft, "fr": Qt.LeftToRight, "en": Qt.LeftToRight}


def _line(name: str, language: str, fit: float, *, bold: bool = False, shrink: float = 1.0) -> ElidedLabel:
    label = ElidedLabel(objectName=name, alignment=Qt.AlignCenter, fit=fit, bold=bold, shrink=shrink)
    label.setLayoutDirection(DIRECTION[language])
    return label


class KioskResult(QFrame):
    """The verdict for the public, painted on the verdict's colour."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.kind = "idle"
        self.icon = ElidedLabel(objectName="kioskIcon", alignment=Qt.AlignCenter, fit=0.8)
        self.name = ElidedLabel(objectName="kioskName", alignment=Qt.AlignCenter, fit=0.75, bold=True)
        self.verdicts: dict[str, ElidedLabel] = {}
        self.words: dict[str, ElidedLabel] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(30, 20, 30, 20)
        layout.addWidget(self.icon, 14)
        layout.addWidget(self.name, 10)
        for language, _text in KIOSK_LINES:
            self.verdicts[language] = _line(f"kioskVerdict_{language}", language, 0.8, bold=True)
            self.words[language] = _line(f"kioskWords_{language}", language, 0.7)
            layout.addWidget(self.verdicts[language], 9)
            layout.addWidget(self.words[language], 6)

    def show_outcome(self, outcome: Outcome) -> None:
        self.kind = kind_of(outcome)
        if self.kind == "already" and not outcome.admitted:
            self.kind = "refused"  # one entry per day: the public sees a refusal, the desk the reason
        foreground = COLOURS[self.kind][1]
        palette = self.palette()
        palette.setColor(QPalette.WindowText, QColor(foreground))
        self.setPalette(palette)
        self.icon.setText(ICONS[self.kind])
        person = outcome.attendee
        self.name.setText(person.full_name if person and person.full_name else "")
        for language, verdict, words in kiosk_lines(outcome):
            self.verdicts[language].setText(verdict)
            self.words[language].setText(words)
        self.update()

    def texts(self) -> list[str]:
        """Everything the public can read on this screen."""
        labels = [self.name, *self.verdicts.values(), *self.words.values()]
        return [label.text() for label in labels if label.text()]

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.Antialiasing)
        painter.setPen(Qt.NoPen)
        painter.setBrush(QColor(COLOURS[self.kind][0]))
        painter.drawRoundedRect(self.rect(), 16, 16)
        painter.end()


class KioskPage(QWidget):
    exit_requested = Signal()

    def __init__(self, translator: Translator, timezone: str, parent=None):
        super().__init__(parent)
        self.translator = translator
        self.welcome = QWidget(objectName="kioskWelcome")
        welcome = QVBoxLayout(self.welcome)
        self.lines = []
        for language, text in KIOSK_LINES:
            # The public must read the whole sentence: a line too wide shrinks rather than being cut.
            label = _line(f"kiosk_{language}", language, 0.55, bold=True, shrink=0.2)
            label.setText(text)
            welcome.addWidget(label, 1)
            self.lines.append(label)
        self.result = KioskResult()
        self.screens = QStackedWidget()
        self.screens.addWidget(self.welcome)
        self.screens.addWidget(self.result)
        self.leave = QPushButton(objectName="kioskExit")
        self.leave.setFlat(True)
        self.leave.setFocusPolicy(Qt.NoFocus)  # a visitor's Enter must never press it
        self.leave.clicked.connect(self.exit_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 30, 40, 10)
        layout.addWidget(self.screens, 1)
        layout.addWidget(self.leave, 0, Qt.AlignRight)
        self.ready_after_ms = 5000
        self._ready = QTimer(self)
        self._ready.setSingleShot(True)
        self._ready.timeout.connect(self.show_welcome)
        translator.changed.connect(self.retranslate)
        self.retranslate()

    @property
    def showing_result(self) -> bool:
        return self.screens.currentWidget() is self.result

    def show_outcome(self, outcome: Outcome) -> None:
        self.result.show_outcome(outcome)
        self.screens.setCurrentWidget(self.result)
        if self.ready_after_ms > 0:
            self._ready.start(self.ready_after_ms)

    def show_welcome(self) -> None:
        self._ready.stop()
        self.screens.setCurrentWidget(self.welcome)

    def retranslate(self, *_args) -> None:
        self.leave.setText(self.translator.tr("kiosk.exit") + " (Esc)")
