"""Keyboard-wedge scanner capture: an application-level event filter.

A USB scanner is a keyboard that types a code in a burst (a few ms per key, with a Shift press
before every capital, exactly like a person's keyboard) and ends with Enter or Tab. The filter sees
every key before any widget does:

- focus on a widget of the desk window that takes no text (the window, a list): printable keys are
  collected and Enter/Tab turns them into a scan, typed fast or slowly (manual entry from anywhere);
- focus in a text field, or anywhere in a dialog: keys are held back for `HOLD_MS`. While the next
  key comes within `SPLIT_MS` they keep being held; at least `MIN_CODE` keys ending with Enter/Tab
  whose median gap is at most `BURST_MS` are a scan and never reach the widget. When the keys stop
  without Enter, or come at a person's pace, they are replayed into the widget they were meant
  for, in order: a person never loses a character and a scanner never types into a form.

Modifier presses (Shift, AltGr, Caps Lock, Num Lock, dead keys...) carry no text: they never end or
split a burst. A password field (a PIN) always gets its keys: a PIN typed fast never becomes a scan. The gap between two keys is measured with the keyboard events' own timestamps (the X
server's clock) when they have one, so a window busy painting does not make a person's keys look
like a burst, nor split a scanner's.

Scans that arrive while a dialog is open (or a popup) are queued and emitted when the desk window
is usable again: nothing is lost and nothing lands in the dialog.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

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

# A scanner sends a key every 1-30 ms, evenly; a person, even a fast typist, leaves 80-200 ms between
# most keys. Held keys ending with Enter are a scan when their median gap is at most BURST_MS.
BURST_MS = 45.0
# One late key (the machine busy for a moment) must not split a burst: only a gap longer than this
# ends the keys held so far. Keys whose median gap passes HUMAN_MS are a person's: shown at once.
SPLIT_MS = 100.0
HUMAN_MS = 60.0
# How long a key typed into a field is held back to see whether a burst follows (on our clock).
HOLD_MS = 120
# A hold timer that fires this late means the event loop was busy: keys may be waiting behind it.
LATE_MS = 15.0
# A burst that stalled (the machine busy for a moment) was already typed into the field when its
# tail arrives: keys given to a field at a scanner's pace less than this before the tail are taken
# back and the code is whole again.
STITCH_MS = 800.0
IDLE_RESET_S = 3.0  # collected keys outside text fields are forgotten after this long
MIN_CODE = 4
MAX_CODE = 4096
ENDS = (Qt.Key_Return, Qt.Key_Enter, Qt.Key_Tab)
SHORTCUT_MODIFIERS = Qt.ControlModifier | Qt.AltModifier | Qt.MetaModifier
MODIFIER_KEYS = frozenset(
    int(k)
    for k in (
        Qt.Key_Shift,
        Qt.Key_Control,
        Qt.Key_Meta,
        Qt.Key_Alt,
        Qt.Key_AltGr,
        Qt.Key_CapsLock,
        Qt.Key_NumLock,
        Qt.Key_ScrollLock,
        Qt.Key_Super_L,
        Qt.Key_Super_R,
        Qt.Key_Hyper_L,
        Qt.Key_Hyper_R,
        Qt.Key_Mode_switch,
        Qt.Key_Multi_key,
        Qt.Key_Direction_L,
        Qt.Key_Direction_R,
    )
)
_DEAD_KEYS = range(int(Qt.Key_Dead_Grave), int(Qt.Key_Dead_Longsolidusoverlay) + 1)


def is_modifier(key: int, text: str) -> bool:
    """A key that only changes what the next key types: never part of, nor the end of, a burst."""
    key = int(key)
    return key in MODIFIER_KEYS or key in _DEAD_KEYS or (key in (0, int(Qt.Key_unknown)) and not text)


def is_text_field(widget: QWidget | None) -> bool:
    if widget is None:
        return False
    if isinstance(widget, QLineEdit | QAbstractSpinBox):
        return not (isinstance(widget, QLineEdit) and widget.isReadOnly())
    if isinstance(widget, QTextEdit | QPlainTextEdit):
        return not widget.isReadOnly()
    return isinstance(widget, QComboBox) and widget.isEditable()


@dataclass(slots=True)
class _Released:
    """Keys given to a line edit that came at a scanner's pace: maybe the head of a stalled burst."""

    widget: QWidget
    text: str


@dataclass(slots=True)
class _Held:
    widget: QWidget
    key: int
    modifiers: Qt.KeyboardModifier
    text: str


class ScanCapture(QObject):
    """Install once on the QApplication; connect `scanned(str)`."""

    scanned = Signal(str)
    queued = Signal(int)  # number of scans waiting for the dialog to close (0: none any more)

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
        self._held: list[_Held] = []  # held back in a text field or a dialog
        self._gaps: list[float] = []  # between the held keys
        self._first_gap = 0.0  # between the first held key and the key before it
        self._released: _Released | None = None
        self._hold_due = 0.0  # when the hold timer should fire, on our clock (ms)
        self._rearmed = False
        self._last_stamp = 0.0  # the last key's event timestamp (ms), 0 when it had none
        self._last_ms = 0.0  # when the last key arrived, on our clock (ms)
        self._this_key = (0.0, 0.0)
        self._queue: list[str] = []
        self._replaying = False
        self._hold_timer = QTimer(self)
        self._hold_timer.setSingleShot(True)
        self._hold_timer.timeout.connect(self._hold_expired)
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
        self._hold_timer.stop()
        self._drain_timer.stop()

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

    def _gap_ms(self, event: QKeyEvent) -> float:
        """Milliseconds since the previous key: on the events' own clock when both have one (the X
        server stamps each key when it is typed), else on ours (synthesised events carry none)."""
        stamp, now = float(event.timestamp()), self.clock() * 1000.0
        self._this_key = (stamp, now)
        if stamp and self._last_stamp:
            gap = stamp - self._last_stamp
            return gap + 2**32 if gap < 0 else gap  # the X server's 32-bit clock wraps every 49 days
        return now - self._last_ms

    def _mark(self) -> None:
        self._last_stamp, self._last_ms = self._this_key

    def _on_key(self, widget: QWidget, event: QKeyEvent) -> bool:
        key, mods, text = event.key(), event.modifiers(), event.text()
        if is_modifier(key, text):
            return False  # Shift before a capital, AltGr, Caps Lock...: part of whatever comes next
        gap_ms = self._gap_ms(event)
        if mods & SHORTCUT_MODIFIERS and not (mods & Qt.ControlModifier and mods & Qt.AltModifier and text):
            self._release_held()
            return False  # a shortcut (Ctrl+Alt with text is AltGr on some systems: a character)
        printable = bool(text) and text.isprintable() and key not in ENDS
        # Not event.isAutoRepeat(): Qt calls a press auto-repeated when it follows the same key's
        # release within the X server's millisecond, which a scanner typing "00" does. A key a person
        # holds down starts repeating only after ~0.5 s: that gap already marks them as a person.
        if isinstance(widget, QLineEdit) and widget.echoMode() != QLineEdit.Normal:
            # A PIN field is never read as a scan, however fast it is typed: a PIN must not become a
            # "code" on the banner, in the scans table and on the hub.
            self._release_held()
            return False
        if is_text_field(widget) or self._in_dialog(widget):
            return self._held_back(widget, event, printable, gap_ms)
        self._release_held()
        if printable:
            if gap_ms > IDLE_RESET_S * 1000:
                self._buffer.clear()
            if not self._buffer and text == " ":
                return False  # space presses a button
            if len(self._buffer) < MAX_CODE:
                self._buffer.append(text)
            self._mark()
            return True
        if key in ENDS and self._buffer:
            code = "".join(self._buffer)
            self._buffer.clear()
            self._mark()
            self._emit(code)
            return True
        return False

    def _in_dialog(self, widget: QWidget) -> bool:
        top = widget.window()
        return top is not None and top is not self.window

    def _held_back(self, widget: QWidget, event: QKeyEvent, printable: bool, gap_ms: float) -> bool:
        self._buffer.clear()
        key = event.key()
        if printable:
            if self._held and (gap_ms > SPLIT_MS or self._held[0].widget is not widget):
                self._release_held()
            elif len(self._gaps) >= 2 and statistics.median([*self._gaps, gap_ms]) > HUMAN_MS:
                self._release_held()  # a person typing: let them see their text now
            elif self._held:
                self._gaps.append(gap_ms)
            if not self._held:
                self._first_gap = gap_ms
            if len(self._held) < MAX_CODE:
                self._held.append(_Held(widget, key, event.modifiers(), event.text()))
            self._mark()
            self._hold(HOLD_MS)
            return True
        if key in ENDS and self._is_burst(gap_ms):
            self._hold_timer.stop()
            code = self._take_back(widget) + "".join(item.text for item in self._held)
            self._held.clear()
            self._gaps.clear()
            self._mark()
            self._emit(code)
            return True
        self._release_held()
        self._released = None
        return False

    def _take_back(self, widget: QWidget) -> str:
        """The head of this burst, if a stall made it go into the field just before: removed from the
        field (with Backspace, as a person would) and returned."""
        released, self._released = self._released, None
        if (
            released is None
            or released.widget is not widget
            or self._first_gap > STITCH_MS
            or not isinstance(widget, QLineEdit)
            or widget.cursorPosition() != len(widget.text())
            or not widget.text().endswith(released.text)
        ):
            return ""
        self._replaying = True
        try:
            for _ in released.text:
                for kind in (QEvent.KeyPress, QEvent.KeyRelease):
                    QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key_Backspace, Qt.NoModifier))
        finally:
            self._replaying = False
        return released.text

    def _is_burst(self, end_gap_ms: float) -> bool:
        if len(self._held) < MIN_CODE or end_gap_ms > SPLIT_MS:
            return False
        return statistics.median([*self._gaps, end_gap_ms]) <= BURST_MS

    def _hold(self, ms: int) -> None:
        self._hold_due = self.clock() * 1000.0 + ms
        self._rearmed = False
        self._hold_timer.start(ms)

    def _hold_expired(self) -> None:
        late = self.clock() * 1000.0 - self._hold_due
        if late > LATE_MS and not self._rearmed:
            # The event loop was busy: the burst's next keys may be queued behind this timer. Look
            # once more after they had a chance to arrive.
            self._rearmed = True
            self._hold_timer.start(int(LATE_MS) * 2)
            return
        self._release_held()

    def _release_held(self) -> None:
        """A person was typing: give the held keys to the widget they were meant for, in order."""
        self._hold_timer.stop()
        gaps, self._gaps = self._gaps, []
        held, self._held = self._held, []
        if not held:
            return
        text = "".join(item.text for item in held)
        if len(held) >= 2 and statistics.median(gaps) <= BURST_MS:  # a scanner's pace: maybe stalled
            previous = self._released
            joined = (
                previous is not None and previous.widget is held[0].widget and self._first_gap <= STITCH_MS
            )
            self._released = _Released(held[0].widget, (previous.text if joined else "") + text)
        else:
            self._released = None
        self._replaying = True
        try:
            for item in held:
                for kind in (QEvent.KeyPress, QEvent.KeyRelease):
                    try:
                        QApplication.sendEvent(
                            item.widget, QKeyEvent(kind, item.key, item.modifiers, item.text)
                        )
                    except RuntimeError:  # the dialog was closed and deleted meanwhile: nowhere to type
                        break
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

    def deliver(self, code: str) -> None:
        """A whole code from another reader (the camera): the same way on as a keyboard scan's."""
        self._emit(code)

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
