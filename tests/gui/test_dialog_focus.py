"""Every dialog opens on its first field, Tab goes down the form, and typing in a dialog is typing:
only a real scanner burst is held back (and the status bar says so) until the dialog closes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from gui.conftest import give_pin, scan
from gui.test_scan_capture import Keyboard


def focused():
    return QApplication.focusWidget()


def type_slowly(qtbot, text: str) -> None:
    """A person typing into the field that has the keyboard: a key every 140 ms on the keyboard's clock."""
    field = focused()
    before = field.text()
    Keyboard(lambda: field).type(text, 140, enter=False)
    qtbot.waitUntil(lambda: field.text() == before + text)  # the last key, once no burst follows


def open_dialog(qtbot, window, opener):
    opener()
    dialog = window.supervisor.open_dialog
    qtbot.waitUntil(lambda: dialog.isVisible())
    return dialog


@pytest.mark.parametrize(
    ("opener", "first"),
    [
        (lambda w: w.open_walk_in(), "first_name"),
        (lambda w: w.supervisor.reprint(), "name"),  # the PIN dialog
        (lambda w: w.supervisor.leave_kiosk(), "name"),  # kiosk exit: the PIN dialog
        (lambda w: w.open_settings(), "desk_name"),
    ],
    ids=["walk-in", "pin", "kiosk-exit", "settings"],
)
def test_each_dialog_opens_on_its_first_field(qtbot, window, people, staff, opener, first):
    scan(qtbot, window, "SCE-1")  # someone to reprint
    dialog = open_dialog(qtbot, window, lambda: opener(window))
    if first == "desk_name":  # settings: an admin's PIN first
        qtbot.waitUntil(lambda: focused() is dialog.name)
        give_pin(dialog, "Nadia", staff["Nadia"])
        dialog = window.supervisor.open_dialog
        qtbot.waitUntil(lambda: dialog.isVisible())
    qtbot.waitUntil(lambda: focused() is getattr(dialog, first))
    ok = dialog.buttons.button(QDialogButtonBox.Ok)
    assert focused() is not ok
    chain = dialog.inputs()
    assert chain[0] is getattr(dialog, first)
    qtbot.keyClick(focused(), Qt.Key_Tab)  # Tab goes down the form
    assert focused() is chain[1]
    dialog.reject()


def test_the_reason_dialog_opens_on_the_reason(qtbot, window, people, staff):
    scan(qtbot, window, "SCE-1")
    pin = open_dialog(qtbot, window, window.supervisor.reprint)
    give_pin(pin, "Karim", staff["Karim"])
    reason = window.supervisor.open_dialog
    qtbot.waitUntil(lambda: reason.isVisible())
    qtbot.waitUntil(lambda: focused() is reason.reason)
    reason.reject()


def test_a_walk_in_typed_while_a_scanner_reads_a_badge(qtbot, window, people):
    dialog = open_dialog(qtbot, window, window.open_walk_in)
    qtbot.waitUntil(lambda: focused() is dialog.first_name)
    type_slowly(qtbot, "Amina")
    Keyboard(focused).type("SCE-2", 8)  # a visitor's badge read meanwhile: a burst, not typing
    assert dialog.first_name.text() == "Amina"
    assert window.capture.waiting == ["SCE-2"]
    assert window.status.waiting.isVisible()
    assert window.status.waiting.text() == "1 scan en attente : il sera traité à la fermeture de la fenêtre"
    qtbot.keyClick(focused(), Qt.Key_Tab)
    type_slowly(qtbot, "Tazi")
    assert dialog.last_name.text() == "Tazi"
    assert people.conn.execute("SELECT count(*) FROM scans").fetchone()[0] == 0
    qtbot.keyClick(focused(), Qt.Key_Return)  # Enter in a field accepts the form
    qtbot.waitUntil(lambda: people.conn.execute("SELECT count(*) FROM scans").fetchone()[0] == 2)
    walk_in, queued = people.conn.execute(
        "SELECT a.first_name || ' ' || a.last_name, s.attendee_code FROM scans s "
        "JOIN attendees a ON a.code = s.attendee_code ORDER BY s.rowid"
    ).fetchall()
    assert walk_in[0] == "Amina Tazi" and queued[1] == "SCE-2"  # the scan after the dialog closed
    assert not window.status.waiting.isVisible()
    assert window.banner.name.text() == "أحمد العلوي"


def test_a_pin_typed_fast_is_never_a_scan(qtbot, window, people, staff):
    scan(qtbot, window, "SCE-1")
    dialog = open_dialog(qtbot, window, window.supervisor.reprint)
    dialog.pin.setFocus()
    qtbot.waitUntil(lambda: focused() is dialog.pin)
    Keyboard(focused).type("730264", 8, enter=False)  # as fast as a scanner
    assert dialog.pin.text() == "730264" and window.capture.waiting == []
    dialog.reject()
    assert people.conn.execute("SELECT count(*) FROM scans WHERE code = '730264'").fetchone()[0] == 0


@pytest.mark.parametrize("gap_ms", [60, 120])
def test_a_scan_right_after_a_name_typed_in_the_walk_in_leaves_the_name_whole(qtbot, window, people, gap_ms):
    """The scanner's first key comes `gap_ms` after the person's last one, on the keyboard's clock."""
    dialog = open_dialog(qtbot, window, window.open_walk_in)
    qtbot.waitUntil(lambda: focused() is dialog.first_name)
    field = dialog.first_name
    keyboard = Keyboard(lambda: field)
    keyboard.type("Lina", 150, enter=False)
    keyboard.ms += gap_ms - 8
    keyboard.type("sce-2", 8)
    assert window.capture.waiting == ["sce-2"]
    qtbot.waitUntil(lambda: field.text() == "Lina")
    assert window.status.waiting.text() == "1 scan en attente : il sera traité à la fermeture de la fenêtre"
    dialog.reject()


def test_a_scan_whose_head_went_into_the_walk_in_name_is_taken_back_whole(qtbot, window, people):
    dialog = open_dialog(qtbot, window, window.open_walk_in)
    qtbot.waitUntil(lambda: focused() is dialog.first_name)
    field = dialog.first_name
    keyboard = Keyboard(lambda: field)
    keyboard.type("Lina", 150, enter=False)
    qtbot.waitUntil(lambda: field.text() == "Lina")
    keyboard.ms += 700
    keyboard.type("iv-4Xvb3", 4, enter=False)  # a stall: the head is shown in the field
    qtbot.waitUntil(lambda: field.text() == "Linaiv-4Xvb3")
    keyboard.ms += 150
    keyboard.type(":/5FBD4", 4)
    assert window.capture.waiting == ["iv-4Xvb3:/5FBD4"]
    assert field.text() == "Lina"
    dialog.reject()
