"""Keyboard-wedge scanner capture: an application-level event filter.

A USB scanner is a keyboard that types a code in a burst (a few ms per key) and ends with Enter or
Tab. The filter sees every key before any widget does:

- focus on a widget that takes no text (the window, a button, a list): printable keys are collected
  and Enter/Tab turns them into a scan, typed fast or slowly (manual entry from anywhere);
- focus in a text field (search box, a dialog's field): keys are held back for `HOLD_MS`. If the next
  key comes within `BURST_MS` they keep being held; a burst of at least `MIN_CODE` keys ending with
  Enter/Tab is a scan and never reaches the field. When the keys stop without Enter (a person
  typing), they are replayed into the field, in order — a person never loses a character and a
  scanner never types into a form.

Scans that arrive while a dialog is open (or the window is not active) are queued and emitted when the
desk window is usable again: nothing is lost and nothing lands in the dialog.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

BURST_MS = 30.0  # max gap between two keys of one scanner burst
HOLD_MS = 45  # how long a key typed into a text field is held back to see whether a burst follows
IDLE_RESET_S = 3.0  # collected keys outside text fields are forgotten after this long
MIN_CODE = 3
MAX_CODE = 4096
ENDS = (Qt.Key_Return, Qt.Key_Enter, Qt.Key_Tab)


def is_text_field(widget: QWidget | None) -> bool:
    if widget is None:
        return False
    if isinstance(widget, QLineEdit | QAbstractSpinBox):
        return not (isinstance(widget, QLineEdit) and widget.isReadOnly())
    if isinstance(widget, QTextEdit | QPlainTextEdit):
        return not widget.isReadOnly()
    return isinstance(widget, QComboBox) and widget.isEditable()


class ScanCapture(QObject):
    """Install once on the QApplication; connect `scanned(str)`."""

    scanned = Signal(str)
    queued = Signal(int)  # number of scans waiting for the dialog to close

    def __init__(
        self,
        window: QWidget,
        *,
        clock: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self.window = window
        self.clock = clock
        self.enabled = True
        self._buffer: list[str] = []  # collected outside text fields
        self._held: list[tuple[QWidget, int, Qt.KeyboardModifier, str]] = []  # held in a text field
        self._last_key = 0.0
        self._queue: list[str] = []
        self._replaying = False
        self._hold_timer = QTimer(self)
        self._hold_timer.setSingleShot(True)
        self._hold_timer.timeout.connect(self._release_held)
        self._drain_timer = QTimer(self)
        self._drain_timer.setInterval(100)
        self._drain_timer.timeout.connect(self.release_queue)

    # -- the filter ----------------------------------------------------------------------------

    def install(self) -> None:
        QApplication.instance().installEventFilter(self)

    def uninstall(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.KeyPress or self._replaying or not self.enabled:
            return False
        if not isinstance(obj, QWidget):
            return False  # the same key reaches the QWindow first, then the widget: count it once
        try:
            return self._on_key(obj, event)
        except Exception:  # a bug here must never eat the keyboard
            self._buffer.clear()
            self._held.clear()
            raise

    def _on_key(self, widget: QWidget, event: QKeyEvent) -> bool:
        now = self.clock()
        gap_ms = (now - self._last_key) * 1000.0
        key, mods, text = event.key(), event.modifiers(), event.text()
        if mods & (Qt.ControlModifier | Qt.AltModifier | Qt.MetaModifier):
            self._release_held()
            return False  # shortcuts
        printable = bool(text) and text.isprintable() and key not in ENDS
        if is_text_field(widget):
            return self._in_text_field(widget, key, mods, text, printable, gap_ms, now)
        self._release_held()
        if printable:
            if gap_ms > IDLE_RESET_S * 1000:
                self._buffer.clear()
            if not self._buffer and text == " ":
                return False  # space presses a button
            if len(self._buffer) < MAX_CODE:
                self._buffer.append(text)
            self._last_key = now
            return True
        if key in ENDS and self._buffer:
            code = "".join(self._buffer)
            self._buffer.clear()
            self._last_key = now
            self._emit(code)
            return True
        return False

    def _in_text_field(self, widget, key, mods, text, printable, gap_ms, now) -> bool:
        self._buffer.clear()
        if printable:
            if self._held and (gap_ms > BURST_MS or self._held[0][0] is not widget):
                self._release_held()
            if len(self._held) < MAX_CODE:
                self._held.append((widget, key, mods, text))
            self._last_key = now
            self._hold_timer.start(HOLD_MS)
            return True
        if key in ENDS and len(self._held) >= MIN_CODE and gap_ms <= BURST_MS:
            self._hold_timer.stop()
            code = "".join(item[3] for item in self._held)
            self._held.clear()
            self._last_key = now
            self._emit(code)
            return True
        self._release_held()
        return False

    def _release_held(self) -> None:
        """A person was typing: give the held keys to the field they were meant for, in order."""
        self._hold_timer.stop()
        held, self._held = self._held, []
        if not held:
            return
        self._replaying = True
        try:
            for widget, key, mods, text in held:
                for kind in (QEvent.KeyPress, QEvent.KeyRelease):
                    QApplication.sendEvent(widget, QKeyEvent(kind, key, mods, text))
        finally:
            self._replaying = False

    # -- delivering scans ----------------------------------------------------------------------

    def blocked(self) -> bool:
        """A dialog is open over the desk window: scans wait."""
        modal = QApplication.activeModalWidget()
        if modal is not None and modal is not self.window:
            return True
        popup = QApplication.activePopupWidget()
        return popup is not None

    def _emit(self, code: str) -> None:
        if self.blocked() or self._queue:
            self._queue.append(code)
            self.queued.emit(len(self._queue))
            if not self._drain_timer.isActive():
                self._drain_timer.start()
            return
        self.scanned.emit(code)

    def release_queue(self) -> None:
        """Emit the queued scans once no dialog is in the way (called on a timer and on dialog close)."""
        if self.blocked():
            return
        self._drain_timer.stop()
        queue, self._queue = self._queue, []
        if queue:
            self.queued.emit(0)
        for code in queue:
            self.scanned.emit(code)

    @property
    def waiting(self) -> list[str]:
        return list(self._queue)
