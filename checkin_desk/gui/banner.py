"""The full-width result banner, built for a queue: colour + icon + words, so colour is never the only
signal, and readable from a step away.

Green: admitted. Amber: already checked in. Red: refused. The verdict is large and centred; under it
one action line in the staff's language (what to do now), the person's name in its own script, their
category and company, staff notes, and the badge's print state. The scan's local time sits in the
corner and the banner flashes on every scan, so two green results in a row never look the same. After
`ready_after_ms` (a setting) it returns to "ready". Every text is cut to the room it has, never
widening the window; the fonts follow the banner's height (1024×600 up to a full-HD screen).
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QEasingCurve, QRectF, Qt, QTimer, QVariantAnimation, Signal
from PySide6.QtGui import QColor, QPainter, QPalette, QPen, QRegion
from PySide6.QtWidgets import QFrame, QHBoxLayout, QSizePolicy, QVBoxLayout

from checkin_desk.domain.models import Attendee, Outcome
from checkin_desk.gui.elided import ElidedLabel
from checkin_desk.gui.i18n import Translator
from checkin_desk.gui.trouble_text import printer_short, printer_words, storage_words
from checkin_desk.gui.verdict import describe, kind_of, local_time, person_details
from checkin_desk.services.trouble import BADGE_CHECK_KINDS, printer_trouble

COLOURS = {  # background, text
    "idle": ("#ECEFF1", "#263238"),
    "admitted": ("#1B7F3B", "#FFFFFF"),
    "already": ("#F2A900", "#1A1A1A"),
    "refused": ("#C62828", "#FFFFFF"),
    "notice": ("#1565C0", "#FFFFFF"),
    "kept": ("#6A1B9A", "#FFFFFF"),  # neither a yes nor a no: the scan waits to be recorded
}
ICONS = {"idle": "⌁", "admitted": "✔", "already": "⚠", "refused": "✖", "notice": "ℹ", "kept": "⚠"}
FLASH_MS = 450
RING = 8  # the flash: a white frame this thick inside the banner's edge, fading out
# Each line's share of the banner's height: the verdict and the name first.
SHARES = (("headline", 17), ("reason", 9), ("name", 14), ("details", 7), ("notes", 11), ("printing", 7))

__all__ = ["COLOURS", "ICONS", "ResultBanner", "kind_of"]


class ResultBanner(QFrame):
    painted = Signal()  # after each paint: the benchmark's "banner on screen" moment
    went_idle = Signal()  # back to "ready" after `ready_after_ms`

    def __init__(self, translator: Translator, timezone: str = "Africa/Casablanca", parent=None):
        super().__init__(parent)
        self.setObjectName("ResultBanner")
        self.translator = translator
        self.timezone = timezone
        self.categories: dict[str, dict] = {}
        self.event_days: tuple[str, ...] = ()
        self.kind = "idle"
        self.outcome: Outcome | None = None
        self.notice: tuple[Attendee, str, str, dict] | None = None  # (attendee, headline, line, words)
        self.kept: tuple[str, str, datetime, int] | None = None  # (scan, fault kind, read at, how many)
        self.print_state = ""
        self.has_printer = True  # until the status figures say there is none
        self.print_error = ""
        self.flashes = 0  # how many times the banner flashed (one per result shown)
        self._flash = 0.0
        self.icon = ElidedLabel(objectName="bannerIcon", alignment=Qt.AlignCenter, fit=0.55)
        self.time = ElidedLabel(objectName="bannerTime", alignment=Qt.AlignRight | Qt.AlignTop)
        center = Qt.AlignHCenter | Qt.AlignVCenter
        line = {"alignment": center, "shrink": 0.55}  # a long line gets smaller before it is cut
        self.headline = ElidedLabel(objectName="bannerHeadline", fit=0.78, bold=True, **line)
        self.reason = ElidedLabel(objectName="bannerReason", fit=0.72, bold=True, **line)
        self.name = ElidedLabel(objectName="bannerName", fit=0.78, bold=True, **line)
        self.details = ElidedLabel(objectName="bannerDetails", fit=0.72, **line)
        self.notes = ElidedLabel(objectName="bannerNotes", alignment=center, fit=0.7, lines=2, bold=True)
        self.printing = ElidedLabel(objectName="bannerPrint", fit=0.7, bold=True, **line)
        words = QVBoxLayout()
        words.setSpacing(0)
        for attribute, share in SHARES:
            words.addWidget(getattr(self, attribute), share)
        side = QVBoxLayout()
        side.addWidget(self.time)
        side.addStretch(1)
        row = QHBoxLayout(self)
        row.setContentsMargins(RING + 4, RING + 2, RING + 4, RING + 2)
        row.addWidget(self.icon)
        row.addLayout(words, 1)
        row.addLayout(side)
        self.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Expanding)
        self.setMinimumHeight(150)
        self.background = QColor(COLOURS["idle"][0])
        self._animation = QVariantAnimation(self, startValue=1.0, endValue=0.0, duration=FLASH_MS)
        self._animation.setEasingCurve(QEasingCurve.OutCubic)
        self._animation.valueChanged.connect(self._set_flash)
        self.ready_after_ms = 0  # 0: the result stays until the next scan
        self._ready = QTimer(self)
        self._ready.setSingleShot(True)
        self._ready.timeout.connect(self._back_to_ready)
        translator.changed.connect(self.retranslate)
        self.retranslate()

    # -- showing -------------------------------------------------------------------------------

    def show_outcome(self, outcome: Outcome) -> None:
        self.outcome, self.notice, self.kept = outcome, None, None
        self.kind = kind_of(outcome)
        self.print_state = "queued" if outcome.print_job_id else ""
        self.print_error = ""
        self._shown()

    def show_kept(self, raw: str, fault_kind: str, at: datetime, waiting: int) -> None:
        """A scan the desk could not record (disk full, read-only file): kept, recorded later."""
        self.outcome, self.notice, self.kind = None, None, "kept"
        self.kept = (raw, fault_kind, at, waiting)
        self.print_state, self.print_error = "", ""
        self._shown()

    def show_notice(self, attendee: Attendee, headline: str, line: str, **words) -> None:
        """Something a supervisor did to `attendee` (a reprint, a re-issued pass), until the next scan."""
        self.kept = None
        self.outcome, self.notice, self.kind = None, (attendee, headline, line, words), "notice"
        self.print_state, self.print_error = "", ""
        self._shown()

    def set_printers(self, count: int) -> None:
        """How many printers this desk has (from the status figures): with none, no banner says a
        badge is printing or queued."""
        if self.has_printer != bool(count):
            self.has_printer = bool(count)
            self.retranslate()

    def set_print_state(self, state: str, error: str = "") -> None:
        self.print_state, self.print_error = state, error
        if self.outcome is not None:
            # The action line said "the badge is printing": it must not outlive a badge that failed.
            self.reason.setText(self._verdict().action)
        self._show_print_state()

    def clear(self) -> None:
        self._ready.stop()
        self.outcome, self.notice, self.kind, self.print_state = None, None, "idle", ""
        self.kept = None
        self.retranslate()

    def _shown(self) -> None:
        self.flashes += 1
        self._animation.stop()
        self._set_flash(1.0)
        self._animation.start()
        if self.ready_after_ms > 0:
            self._ready.start(self.ready_after_ms)
        self.retranslate()

    def _back_to_ready(self) -> None:
        self.clear()
        self.went_idle.emit()

    def retranslate(self, *_args) -> None:
        t = self.translator.tr
        self._apply_colours()
        self.icon.setText(ICONS[self.kind])
        if self.notice is not None:
            person, headline, line, words = self.notice
            self.headline.setText(t(headline))
            self.reason.setText(t(line, **words))
            self.name.setText(person.full_name or person.code)
            self.details.setText(person_details(person, self.categories, self.translator.language))
            self.notes.setText("")
            self._show_print_state()
            return
        if self.kept is not None:
            raw, fault_kind, at, waiting = self.kept
            self.headline.setText(t("verdict.kept"))
            self.reason.setText(storage_words(t, fault_kind))
            self.name.setText(raw)
            self.details.setText(t("kept.waiting", n=waiting))
            self.notes.setText("")
            self.printing.setText("")
            self.time.setText(local_time(at.isoformat(), self.timezone, seconds=True))
            return
        if self.outcome is None:
            self.headline.setText(t("idle.title"))
            self.reason.setText(t("idle.hint"))
            for label in (self.name, self.details, self.notes, self.printing, self.time):
                label.setText("")
            return
        verdict = self._verdict()
        self.headline.setText(verdict.headline)
        self.reason.setText(verdict.action)
        self.name.setText(verdict.name)
        self.details.setText(verdict.details)
        self.notes.setText(verdict.notes)
        self.time.setText(verdict.time)
        self._show_print_state()

    def _verdict(self):
        return describe(
            self.outcome,
            self.translator.tr,
            language=self.translator.language,
            timezone=self.timezone,
            categories=self.categories,
            event_days=self.event_days,
            print_state=self.print_state,
            printer=self.has_printer,
        )

    def _show_print_state(self) -> None:
        t = self.translator.tr
        state = self.print_state
        if self.outcome is None and self.notice is None:
            text = ""  # the ready screen: a late word about the last badge belongs to no one here
        elif not self.has_printer and (
            state in ("queued", "sending") or printer_trouble(self.print_error).kind == "no_printer"
        ):
            text = t("print.no_printer")  # a real printer's own error (one just removed) is shown below
        elif state in ("failed", "retrying"):
            trouble = printer_trouble(self.print_error)
            if trouble.kind == "no_printer":
                text = ""  # said once, in the red bar under the search, not on every banner
            elif trouble.kind in BADGE_CHECK_KINDS and state == "failed":
                # A reprint fails the same way: the sentence names the badge's layout and the technician.
                text = "⚠ " + printer_words(t, trouble)
            else:
                why = printer_short(t, trouble)
                text = t("badge.failed" if state == "failed" else "badge.waiting", why=why)
        elif state:
            text = "▶ " + t(f"print.{state}")
        else:
            text = ""
        self.printing.setText(text)

    # -- colour and flash ----------------------------------------------------------------------

    def _apply_colours(self) -> None:
        # A palette, not a style sheet: re-parsing a style sheet on every scan costs ~1 ms.
        background, foreground = COLOURS[self.kind]
        self.background = QColor(background)
        palette = self.palette()
        palette.setColor(QPalette.WindowText, QColor(foreground))
        self.setPalette(palette)
        self.update()

    def _set_flash(self, value: float) -> None:
        self._flash = float(value)
        # Only the frame is repainted while it fades: the words inside are drawn once per scan.
        outer = self.rect()
        self.update(QRegion(outer).subtracted(QRegion(outer.adjusted(RING, RING, -RING, -RING))))

    def settle(self) -> None:
        """End the flash now (screenshots show the colour as it stays)."""
        self._animation.stop()
        self._set_flash(0.0)

    @property
    def flash(self) -> float:
        return self._flash

    def shown_colour(self) -> QColor:
        """The background: the verdict's colour (the flash is a frame around it)."""
        return QColor(self.background)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.Antialiasing)
        painter.setPen(Qt.NoPen)
        painter.setBrush(self.background)
        painter.drawRoundedRect(self.rect(), 10, 10)
        if self._flash > 0.01:
            ring = QColor(255, 255, 255, round(230 * self._flash))
            painter.setPen(QPen(ring, RING))
            painter.setBrush(Qt.NoBrush)
            painter.drawRoundedRect(
                QRectF(self.rect()).adjusted(RING / 2, RING / 2, -RING / 2, -RING / 2), 8, 8
            )
        painter.end()
        self.painted.emit()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        # The icon and the time take the same width on either side: the words stay centred.
        side = max(60, min(160, self.height() // 2))
        self.icon.setFixedWidth(side)
        self.time.setFixedWidth(side)
        font = self.time.font()
        font.setPixelSize(max(11, self.height() // 14))
        self.time.setFont(font)

    def summary(self) -> str:
        """Everything the banner says, as one string (for tests and accessibility)."""
        labels = (self.headline, self.reason, self.name, self.details, self.notes, self.printing)
        return " | ".join(label.text() for label in labels if label.text())
