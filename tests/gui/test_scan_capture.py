"""Scanner bursts as a USB scanner sends them: a Shift press before every capital (and before `:` `+`),
key events stamped by the keyboard's clock, one key now and then late. Offscreen; the same codes are
typed through a real X server in tests/e2e/."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from checkin_desk.domain.models import Attendee

SHIFTED = set('~!@#$%^&*()_+{}|:"<>?')

CODES = ("SCE26-06ACG711", "sce26-aBcD/12+x=", "Pretix:aZ09/+=kq", "WxYz-1234-aBcD")


class Keyboard:
    """Sends key presses and releases with timestamps (ms), as the X server delivers them. Keyboards
    share one clock: a new one starts a second after the last key any of them sent."""

    last_ms = 1_000_000

    def __init__(self, widget_for):
        self.widget_for = widget_for  # () -> the widget with the focus
        self.ms = Keyboard.last_ms + 1000

    def send(self, kind, key, text="", mods=Qt.NoModifier, repeat=False):
        event = QKeyEvent(kind, key, mods, text, repeat)
        event.setTimestamp(int(self.ms))
        Keyboard.last_ms = max(Keyboard.last_ms, int(self.ms))
        QApplication.sendEvent(self.widget_for(), event)

    def tap(self, key, text="", mods=Qt.NoModifier):
        self.send(QEvent.KeyPress, key, text, mods)
        self.send(QEvent.KeyRelease, key, text, mods)

    def type(self, text: str, per_key_ms: float, late: dict[int, float] | None = None, enter=True):
        """`late`: key index -> extra delay before it (a busy machine)."""
        for i, ch in enumerate(text):
            self.ms += per_key_ms + (late or {}).get(i, 0)
            shifted = ch.isupper() or ch in SHIFTED
            if shifted:
                self.send(QEvent.KeyPress, Qt.Key_Shift, "", Qt.ShiftModifier)
            key = ord(ch.upper()) if ch.isascii() and ch.isalnum() else ord(ch)
            self.tap(key, ch, Qt.ShiftModifier if shifted else Qt.NoModifier)
            if shifted:
                self.send(QEvent.KeyRelease, Qt.Key_Shift, "", Qt.NoModifier)
        if enter:
            self.ms += per_key_ms
            self.tap(Qt.Key_Return, "\r")


@pytest.fixture
def coded(people):
    people.upsert_attendees([Attendee(code.upper(), "Code", str(i)) for i, code in enumerate(CODES)])
    return people


def scans(store):
    return store.conn.execute("SELECT code, status FROM scans ORDER BY rowid").fetchall()


@pytest.mark.parametrize("per_key_ms", [2, 8, 15, 30])
def test_mixed_case_codes_arrive_whole_in_the_search_box(qtbot, window, coded, per_key_ms):
    box = window.search.box
    box.setFocus()
    keyboard = Keyboard(lambda: box)
    for i, code in enumerate(CODES):
        keyboard.type(code, per_key_ms, late={5: 25, 9: 40})  # two late keys in each code
        keyboard.ms += 900  # the next visitor
        assert scans(coded)[i] == (code.upper(), "ok")
        assert box.text() == ""
    assert window.banner.kind == "admitted"
    assert window.banner.name.text() == "Code 3"


def test_modifiers_and_dead_keys_inside_a_burst_never_split_it(qtbot, window, coded):
    box = window.search.box
    box.setFocus()
    keyboard = Keyboard(lambda: box)
    for ch in "WxYz-1234":
        keyboard.ms += 6
        for key in (Qt.Key_CapsLock, Qt.Key_NumLock, Qt.Key_AltGr, Qt.Key_Dead_Circumflex):
            keyboard.send(QEvent.KeyPress, key)
            keyboard.send(QEvent.KeyRelease, key)
        keyboard.tap(ord(ch.upper()), ch)
    keyboard.type("-aBcD", 6)
    assert scans(coded) == [("WXYZ-1234-ABCD", "ok")]
    assert box.text() == ""


def test_a_person_typing_in_the_search_box_sees_every_character(qtbot, window, coded):
    box = window.search.box
    box.setFocus()
    keyboard = Keyboard(lambda: box)
    keyboard.type("Benoît", 140, enter=False)
    keyboard.ms += 140
    keyboard.tap(Qt.Key_Backspace)
    assert box.text() == "Benoî"  # the last key, still held, went in before the Backspace
    keyboard.type("t", 140, enter=False)
    qtbot.waitUntil(lambda: box.text() == "Benoît")  # shown once no burst follows
    assert scans(coded) == []


def test_a_fast_typist_is_not_a_scanner(qtbot, window, coded):
    """Four keys and Enter at 70 ms: quick for a person, far too slow for a scanner."""
    box = window.search.box
    box.setFocus()
    keyboard = Keyboard(lambda: box)
    keyboard.type("Lyde", 70)
    assert box.text() == "Lyde"
    # Enter reached the search box: its one match (Benoît Lefèvre of Lydec) is checked in, and no
    # scan of a code "LYDE" was made.
    assert scans(coded) == [("SCE-1", "ok")]


def test_a_doubled_character_that_qt_calls_auto_repeated_stays_in_the_burst(qtbot, window, coded):
    """xdotool (and a scanner) typing "00" at 2 ms: the second press comes in the same X millisecond
    as the first one's release, and Qt flags it as auto-repeated."""
    box = window.search.box
    box.setFocus()
    keyboard = Keyboard(lambda: box)
    previous = ""
    for ch in "SCE26-06ACG711":
        keyboard.ms += 2
        keyboard.send(QEvent.KeyPress, ord(ch.upper()), ch, repeat=ch == previous)  # the "11"
        keyboard.send(QEvent.KeyRelease, ord(ch.upper()), ch)
        previous = ch
    keyboard.ms += 2
    keyboard.tap(Qt.Key_Return, "\r")
    assert scans(coded) == [("SCE26-06ACG711", "ok")]
    assert box.text() == ""


def test_a_key_held_down_types_into_the_field(qtbot, window, coded):
    box = window.search.box
    box.setFocus()
    keyboard = Keyboard(lambda: box)
    keyboard.tap(Qt.Key_A, "a")
    keyboard.ms += 500  # the keyboard's delay before it repeats
    for _ in range(5):
        keyboard.send(QEvent.KeyPress, Qt.Key_A, "a", repeat=True)
        keyboard.ms += 33
    qtbot.waitUntil(lambda: box.text() == "aaaaaa")
    assert scans(coded) == []


def test_shortcuts_still_reach_the_window(qtbot, window, coded):
    box = window.search.box
    box.setFocus()
    keyboard = Keyboard(lambda: box)
    keyboard.type("Lyd", 140, enter=False)
    keyboard.ms += 140
    keyboard.tap(Qt.Key_A, "\x01", Qt.ControlModifier)  # select all: the held keys went in first
    assert box.text() == "Lyd" and box.selectedText() == "Lyd"


def test_a_burst_that_stalls_midway_is_taken_back_whole(qtbot, window, coded):
    """The machine busy for a moment: the head of the code went into the box before its tail came."""
    box = window.search.box
    box.setFocus()
    keyboard = Keyboard(lambda: box)
    keyboard.type("sce26-aBcD", 30, enter=False)
    qtbot.waitUntil(lambda: box.text() == "sce26-aBcD")  # given to the box once no key followed
    keyboard.ms += 300
    keyboard.type("/12+x=", 30)
    assert scans(coded) == [("SCE26-ABCD/12+X=", "ok")]
    assert box.text() == ""


def test_what_a_person_typed_before_a_scan_stays_theirs(qtbot, window, coded):
    box = window.search.box
    box.setFocus()
    keyboard = Keyboard(lambda: box)
    keyboard.type("Lyd", 140, enter=False)
    qtbot.waitUntil(lambda: box.text() == "Lyd")
    keyboard.ms += 500
    keyboard.type("WxYz-1234-aBcD", 8)
    assert scans(coded) == [("WXYZ-1234-ABCD", "ok")]
    assert box.text() == "Lyd"


def test_a_persons_last_key_just_before_a_scan_stays_theirs(qtbot, window, coded):
    """ "Lina" typed at a person's pace, the scanner's first key 90 ms after the "a": the "a" came far
    later than the burst's own keys follow each other, after the person's other keys."""
    box = window.search.box
    box.setFocus()
    keyboard = Keyboard(lambda: box)
    keyboard.type("Lina", 150, enter=False)
    keyboard.ms += 90 - 8
    keyboard.type("sce26-aBcD/12+x=", 8)
    assert scans(coded) == [("SCE26-ABCD/12+X=", "ok")]
    qtbot.waitUntil(lambda: box.text() == "Lina")


def test_a_burst_whose_head_was_shown_is_taken_back_whatever_is_left_held(qtbot, window, coded):
    """A loaded machine: the hold timer gave most of the code to the box before its last two keys
    came; Return after them still ends a scan, and the whole code is taken back."""
    box = window.search.box
    box.setFocus()
    keyboard = Keyboard(lambda: box)
    keyboard.type("WxYz-1234-aB", 4, enter=False)
    qtbot.waitUntil(lambda: box.text() == "WxYz-1234-aB")
    keyboard.ms += 40  # on the keys' own clock the burst never stopped
    keyboard.type("cD", 4)
    assert scans(coded) == [("WXYZ-1234-ABCD", "ok")]
    assert box.text() == ""


@pytest.mark.parametrize("stall_after", [1, 2])
def test_a_stall_right_after_the_first_keys_keeps_the_code_whole(qtbot, window, coded, stall_after):
    box = window.search.box
    box.setFocus()
    keyboard = Keyboard(lambda: box)
    code = "Pretix:aZ09/+=kq"
    keyboard.type(code[:stall_after], 2, enter=False)
    qtbot.waitUntil(lambda: box.text() == code[:stall_after])
    keyboard.ms += 300
    keyboard.type(code[stall_after:], 2)
    assert scans(coded) == [("PRETIX:AZ09/+=KQ", "ok")]
    assert box.text() == ""


def test_return_after_a_stalled_burst_still_ends_the_scan(qtbot, window, coded):
    box = window.search.box
    box.setFocus()
    keyboard = Keyboard(lambda: box)
    keyboard.type("SCE26-06ACG711", 2, enter=False)
    qtbot.waitUntil(lambda: box.text() == "SCE26-06ACG711")
    keyboard.ms += 400
    keyboard.tap(Qt.Key_Return, "\r")
    assert scans(coded) == [("SCE26-06ACG711", "ok")]
    assert box.text() == ""
