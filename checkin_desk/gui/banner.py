"""The full-width result banner: colour + icon + big words, so that colour is never the only signal.

Green: admitted. Amber: already checked in (with the first entry's local time and desk). Red: refused,
with the reason. Then the attendee's name in its own script, category, company and staff notes, and
the badge's print state. It stays until the next scan.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout

from checkin_desk.domain.models import Attendee, Outcome, Status
from checkin_desk.gui.i18n import Translator
from checkin_desk.util.clock import zone

COLOURS = {  # background, text
    "idle": ("#ECEFF1", "#263238"),
    "admitted": ("#1B7F3B", "#FFFFFF"),
    "already": ("#F2A900", "#1A1A1A"),
    "refused": ("#C62828", "#FFFFFF"),
}
ICONS = {"idle": "⌁", "admitted": "✔", "already": "⚠", "refused": "✖"}


def kind_of(outcome: Outcome) -> str:
    if outcome.status == Status.ALREADY_CHECKED_IN:
        return "already"
    return "admitted" if outcome.admitted else "refused"


def local_time(at_iso: str, tz: str) -> str:
    try:
        return datetime.fromisoformat(at_iso).astimezone(zone(tz)).strftime("%H:%M")
    except ValueError:
        return at_iso


def big_font(point_size: int, bold: bool = True) -> QFont:
    font = QFont()
    font.setPointSize(point_size)
    font.setBold(bold)
    return font


class ResultBanner(QFrame):
    painted = Signal()  # after each paint: the benchmark's "banner on screen" moment

    def __init__(self, translator: Translator, timezone: str = "Africa/Casablanca", parent=None):
        super().__init__(parent)
        self.setObjectName("ResultBanner")
        self.translator = translator
        self.timezone = timezone
        self.categories: dict[str, dict] = {}
        self.kind = "idle"
        self.outcome: Outcome | None = None
        self.notice: tuple[Attendee, str, str] | None = None  # (attendee, headline id, reason id)
        self.print_state = ""
        self.print_error = ""
        self.icon = QLabel(objectName="bannerIcon")
        self.icon.setFont(big_font(64))
        self.icon.setAlignment(Qt.AlignCenter)
        self.icon.setMinimumWidth(120)
        self.headline = QLabel(objectName="bannerHeadline")
        self.headline.setFont(big_font(40))
        self.reason = QLabel(objectName="bannerReason")
        self.reason.setFont(big_font(22))
        self.name = QLabel(objectName="bannerName")
        self.name.setFont(big_font(34))
        self.name.setTextFormat(Qt.PlainText)
        self.details = QLabel(objectName="bannerDetails")
        self.details.setFont(big_font(18, bold=False))
        self.details.setTextFormat(Qt.PlainText)
        self.notes = QLabel(objectName="bannerNotes")
        self.notes.setFont(big_font(18))
        self.notes.setTextFormat(Qt.PlainText)
        self.notes.setWordWrap(True)
        self.printing = QLabel(objectName="bannerPrint")
        self.printing.setFont(big_font(16))
        self.printing.setWordWrap(True)
        words = QVBoxLayout()
        for label in (self.headline, self.reason, self.name, self.details, self.notes, self.printing):
            words.addWidget(label)
        words.addStretch(1)
        row = QHBoxLayout(self)
        row.addWidget(self.icon)
        row.addLayout(words, 1)
        self.setMinimumHeight(280)
        self.background = QColor(COLOURS["idle"][0])
        translator.changed.connect(self.retranslate)
        self.retranslate()

    # -- showing -------------------------------------------------------------------------------

    def show_outcome(self, outcome: Outcome) -> None:
        self.outcome, self.notice = outcome, None
        self.kind = kind_of(outcome)
        self.print_state = "queued" if outcome.print_job_id else ""
        self.print_error = ""
        self.retranslate()

    def show_notice(self, attendee: Attendee, headline: str, reason: str) -> None:
        """Something a supervisor did to `attendee` (e.g. a re-issued pass), until the next scan."""
        self.outcome, self.notice, self.kind = None, (attendee, headline, reason), "already"
        self.print_state, self.print_error = "", ""
        self.retranslate()

    def set_print_state(self, state: str, error: str = "") -> None:
        self.print_state, self.print_error = state, error
        self._show_print_state()

    def clear(self) -> None:
        self.outcome, self.notice, self.kind, self.print_state = None, None, "idle", ""
        self.retranslate()

    def retranslate(self, *_args) -> None:
        t = self.translator.tr
        self._apply_colours()
        # Absolute alignment: a Latin name in the Arabic layout lines up with the Arabic words.
        side = Qt.AlignRight if self.translator.right_to_left else Qt.AlignLeft
        for label in (self.headline, self.reason, self.name, self.details, self.notes, self.printing):
            label.setAlignment(side | Qt.AlignAbsolute | Qt.AlignVCenter)
        self.icon.setText(ICONS[self.kind])
        outcome = self.outcome
        if self.notice is not None:
            person, headline, reason = self.notice
            self.headline.setText(t(headline))
            self.reason.setText(t(reason))
            self.name.setText(person.full_name or person.code)
            self._show_person(person)
            self._show_print_state()
            return
        if outcome is None:
            self.headline.setText(t("idle.title"))
            self.reason.setText(t("idle.hint"))
            for label in (self.name, self.details, self.notes, self.printing):
                label.setText("")
            return
        self.headline.setText(self._headline(outcome))
        self.reason.setText(self._reason(outcome))
        person = outcome.attendee
        self.name.setText(person.full_name if person else outcome.code)
        self._show_person(person)
        self._show_print_state()

    def _show_person(self, person: Attendee | None) -> None:
        t = self.translator.tr
        if person:
            parts = [self._category(person.category), person.company, person.job_title]
            self.details.setText("  ·  ".join(p for p in parts if p))
            self.notes.setText(t("notes", notes=person.notes) if person.notes else "")
        else:
            self.details.setText("")
            self.notes.setText("")

    def _headline(self, outcome: Outcome) -> str:
        t = self.translator.tr
        if outcome.extra.get("override"):
            return t("verdict.override")
        if self.kind == "already":
            return t("verdict.already") if outcome.admitted else t("verdict.already_refused")
        return t("verdict.ok") if self.kind == "admitted" else t("verdict.refused")

    def _reason(self, outcome: Outcome) -> str:
        t = self.translator.tr
        bits = []
        if self.kind == "refused":
            bits.append(t(f"reason.{outcome.status}"))
        if outcome.first_entry is not None:
            when = local_time(outcome.first_entry.at, self.timezone)
            bits.append(t("first_entry", time=when, desk=outcome.first_entry.desk))
        if outcome.duplicate_read:
            bits.append(t("duplicate_read"))
        return " — ".join(bits)

    def _category(self, key: str) -> str:
        row = self.categories.get(key)
        if not row:
            return key
        return row.get(f"label_{self.translator.language}") or row.get("label_fr") or key

    def _show_print_state(self) -> None:
        t = self.translator.tr
        if not self.print_state:
            self.printing.setText("")
        elif self.print_state in ("failed", "retrying"):
            self.printing.setText("⚠ " + t(f"print.{self.print_state}", reason=self.print_error or "?"))
        else:
            self.printing.setText("▶ " + t(f"print.{self.print_state}"))

    def _apply_colours(self) -> None:
        # A palette, not a style sheet: re-parsing a style sheet on every scan costs ~1 ms.
        background, foreground = COLOURS[self.kind]
        self.background = QColor(background)
        palette = self.palette()
        palette.setColor(QPalette.WindowText, QColor(foreground))
        self.setPalette(palette)
        self.update()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.Antialiasing)
        painter.setPen(Qt.NoPen)
        painter.setBrush(self.background)
        painter.drawRoundedRect(self.rect(), 10, 10)
        painter.end()
        self.painted.emit()

    def summary(self) -> str:
        """Everything the banner says, as one string (for tests and accessibility)."""
        labels = (self.headline, self.reason, self.name, self.details, self.notes, self.printing)
        return " | ".join(label.text() for label in labels if label.text())
