"""Keyboard-wedge scanner capture: an application-level event filter.

A USB scanner is a keyboard that types a code in a burst (a few ms per key, with a Shift press
before every capital, exactly like a person's keyboard) and ends with Enter or Tab. The filter sees
every key before any widget does:

- focus on a widget of the desk window that takes no text (the window, a list): printable keys are
  collected and Enter/Tab turns them into a scan, typed fast or slowly (manual entry from anywhere);
- focus in a text field, or anywhere in a dialog: keys are held back for `HOLD_MS`, then given to the
  widget they were meant for (at once when they come at a person's pace) and remembered for a few
  seconds. At Enter/Tab, `scan_bursts.burst_start` judges on the keys' own timestamps which of them
  were a scanner's burst: those never stay in the widget (held ones are kept, given ones taken back
  with Backspace) and become one scan; the keys a person typed before it stay theirs. When the
  machine is busy the hold timer may show part of a burst early: only what is shown changes, not
  which keys are the scan.

Modifier presses (Shift, AltGr, Caps Lock, Num Lock, dead keys...) carry no text: they never end or
split a burst. A password field (a PIN) always gets its keys: a PIN typed fast never becomes a
scan. The gap between two keys is measured with the keyboard events' own timestamps (the X
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
from itertools import pairwise

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

from checkin_desk.gui.scan_bursts import burst_start

# Held keys whose median gap passes HUMAN_MS are a person's: shown at once. A gap longer than
# SPLIT_MS also shows the keys held so far (they stay remembered: a burst that stalled is taken back).
SPLIT_MS = 100.0
HUMAN_MS = 60.0
# How long a key typed into a field is held back to see whether a burst follows (on our clock). Only
# when the keys are shown depends on it: which keys are a scan is judged on their own timestamps.
HOLD_MS = 120
# A hold timer that fires this late means the event loop was busy: keys may be waiting behind it.
LATE_MS = 15.0
# Keys given to a field are remembered this long (on their own clock), to be taken back whole when
# they turn out to be the head of a burst that stalled.
REMEMBER_MS = 3000.0
REMEMBER_KEYS = 256
IDLE_RESET_S = 3.0  # collected keys outside text fields are forgotten after this long
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


TYPING_ONLY = "typingOnly"  # a widget property: keys in it (or in its children) are typing, never a scan


def typing_only(widget: QWidget | None) -> bool:
    while widget is not None:
        if widget.property(TYPING_ONLY):
            return True
        widget = widget.parentWidget()
    return False


def is_text_field(widget: QWidget | None) -> bool:
    if widget is None:
        return False
    if isinstance(widget, QLineEdit | QAbstractSpinBox):
        return not (isinstance(widget, QLineEdit) and widget.isReadOnly())
    if isinstance(widget, QTextEdit | QPlainTextEdit):
        return not widget.isReadOnly()
    return isinstance(widget, QComboBox) and widget.isEditable()


@dataclass(slots=True)
class _Key:
    """A key typed into a field: held back, or given to the field (`given`) and remembered."""

    widget: QWidget
    key: int
    modifiers: Qt.KeyboardModifier
    text: str
    at: float  # its timestamp (ms): the X server's, or our clock's for a synthesised event
    given: bool = False


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
        # Keys typed into one field: the first ones given to it, the last ones (not given) held back.
        self._keys: list[_Key] = []
        self._at = 0.0  # the last key's time on the keys' own clock (ms)
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
            self._keys.clear()
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
        if (isinstance(widget, QLineEdit) and widget.echoMode() != QLineEdit.Normal) or typing_only(widget):
            # A PIN field, and every field of a window that asks who you are (the PIN dialog: a name typed
            # fast, then Tab, must move to the PIN, not end a "scan"), is never read as a scan, however
            # fast it is typed: a name or PIN must not become a code in the scans table and on the hub.
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
        self._at += gap_ms
        if printable:
            held = self._held()
            if self._keys and (gap_ms > REMEMBER_MS or self._keys[-1].widget is not widget):
                self._release_held()
                self._keys.clear()
            elif held and gap_ms > SPLIT_MS:
                self._release_held()  # shown now; still remembered if a burst's tail follows
            elif len(held) >= 2 and statistics.median([*self._gaps(held), gap_ms]) > HUMAN_MS:
                self._release_held()  # a person typing: let them see their text now
            if len(self._keys) < REMEMBER_KEYS:
                self._keys.append(_Key(widget, key, event.modifiers(), event.text(), self._at))
            self._mark()
            self._hold(HOLD_MS)
            return True
        if key in ENDS and self._keys and self._keys[-1].widget is widget:
            start = burst_start([k.at for k in self._keys], self._at)
            if start is not None:
                self._hold_timer.stop()
                person, burst = self._keys[:start], self._keys[start:]
                self._keys = person
                self._release_held()  # the person's keys typed just before the scan stay theirs
                self._keys.clear()
                self._take_back(widget, [k for k in burst if k.given])
                self._mark()
                self._emit("".join(k.text for k in burst))
                return True
        self._release_held()
        self._keys.clear()  # Backspace, arrows...: the field changed, nothing can be taken back
        return False

    def _held(self) -> list[_Key]:
        return [k for k in self._keys if not k.given]

    @staticmethod
    def _gaps(keys: list[_Key]) -> list[float]:
        return [b.at - a.at for a, b in pairwise(keys)]

    def _take_back(self, widget: QWidget, given: list[_Key]) -> None:
        """The head of a burst that a stall let into the field: removed from it with Backspace, as a
        person would. Only from a line edit whose text still ends with it, the cursor at its end."""
        text = "".join(k.text for k in given)
        if (
            not text
            or not isinstance(widget, QLineEdit)
            or widget.cursorPosition() != len(widget.text())
            or not widget.text().endswith(text)
        ):
            return
        self._replaying = True
        try:
            for _ in text:
                for kind in (QEvent.KeyPress, QEvent.KeyRelease):
                    QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key_Backspace, Qt.NoModifier))
        finally:
            self._replaying = False

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
        """Give the held keys to the widget they were meant for, in order; they stay remembered."""
        self._hold_timer.stop()
        held = self._held()
        if not held:
            return
        self._replaying = True
        try:
            for item in held:
                item.given = True
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
