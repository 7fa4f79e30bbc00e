"""Search, walk-ins, supervisor actions, languages: each flow driven from the keyboard."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from gui.conftest import give_pin, scan, type_text


def count(store, sql, *params):
    return store.conn.execute(sql, params).fetchone()[0]


def test_scan_while_a_dialog_is_open_is_queued_not_typed(qtbot, window, people):
    qtbot.keyClick(window, Qt.Key_F3)  # walk-in dialog
    dialog = window.supervisor.open_dialog
    qtbot.waitUntil(lambda: dialog is not None and dialog.isVisible())
    field = dialog.first_name
    field.setFocus()
    scan(qtbot, field, "SCE-1")
    assert field.text() == ""
    assert count(people, "SELECT count(*) FROM scans") == 0
    assert window.capture.waiting == ["SCE-1"]
    dialog.reject()
    qtbot.waitUntil(lambda: count(people, "SELECT count(*) FROM scans") == 1)
    assert window.banner.kind == "admitted"


def test_search_keyboard_navigation_and_check_in_from_the_list(qtbot, window, people):
    qtbot.keyClick(window, Qt.Key_F, Qt.ControlModifier)
    box = window.search.box
    assert box.hasFocus()
    for ch in "Lydec":
        qtbot.keyClick(box, ch)
        qtbot.wait(50)
    qtbot.waitUntil(lambda: window.search.results.count() == 1)
    qtbot.keyClick(box, Qt.Key_Down)
    assert window.search.results.hasFocus()
    qtbot.keyClick(window.search.results, Qt.Key_Return)
    assert window.banner.kind == "admitted"
    assert count(people, "SELECT count(*) FROM scans WHERE attendee_code = 'SCE-1'") == 1


def test_search_arabic_text_and_print_badge_from_list(qtbot, window, people):
    box = window.search.box
    box.setFocus()
    box.insert("العلوي")
    box.textEdited.emit(box.text())
    qtbot.waitUntil(lambda: window.search.results.count() == 1)
    window.search.print_badge.click()
    assert count(people, "SELECT count(*) FROM print_jobs WHERE attendee_code = 'SCE-2'") == 1
    assert count(people, "SELECT count(*) FROM scans") == 0


def test_pasting_a_megabyte_into_search_does_not_hang(qtbot, window, people):
    box = window.search.box
    QApplication.clipboard().setText("Benoît " * 150_000)
    box.setFocus()
    box.paste()
    box.textEdited.emit(box.text())
    assert len(box.text()) <= 200
    qtbot.waitUntil(lambda: not window.search._timer.isActive())
    assert window.search.results.count() >= 0


def test_walk_in_with_an_arabic_name(qtbot, window, people):
    window.open_walk_in()
    dialog = window.supervisor.open_dialog
    dialog.first_name.setFocus()
    type_text(dialog.first_name, "فاطمة")
    qtbot.waitUntil(lambda: dialog.first_name.text() == "فاطمة")
    dialog.last_name.setFocus()
    type_text(dialog.last_name, "الزهراء")
    qtbot.waitUntil(lambda: dialog.last_name.text() == "الزهراء")
    dialog.company.setText("Casablanca Smart City")
    dialog.category.setCurrentIndex(dialog.category.findData("press"))
    with qtbot.waitSignal(window.controller.outcome):
        dialog.buttons.accepted.emit()
    assert window.banner.kind == "admitted"
    assert window.banner.name.text() == "فاطمة الزهراء"
    code = people.conn.execute("SELECT code FROM attendees WHERE first_name = 'فاطمة'").fetchone()[0]
    assert people.lookup(code).category == "press"
    assert count(people, "SELECT count(*) FROM scans WHERE attendee_code = ? AND admitted = 1", code) == 1
    assert count(people, "SELECT count(*) FROM print_jobs WHERE attendee_code = ?", code) == 1


def test_walk_in_needs_a_name(qtbot, window, people):
    window.open_walk_in()
    dialog = window.supervisor.open_dialog
    dialog.buttons.accepted.emit()
    assert dialog.isVisible() and "requis" in dialog.error.text()
    dialog.reject()


def test_supervisor_pin_wrong_then_right_reprints_with_audit(qtbot, window, people, staff):
    scan(qtbot, window, "SCE-1")
    qtbot.keyClick(window, Qt.Key_F6)
    dialog = window.supervisor.open_dialog
    give_pin(dialog, "Karim", "111111")
    assert dialog.isVisible() and dialog.error.text() == "Nom ou code PIN incorrect"
    assert dialog.pin.text() == ""
    give_pin(dialog, "Karim", staff["Karim"])
    qtbot.waitUntil(lambda: window.supervisor.open_dialog is not dialog)
    reason = window.supervisor.open_dialog
    reason.buttons.accepted.emit()
    assert reason.isVisible()  # no reason, no reprint
    reason.reason.setText("badge abîmé")
    reason.buttons.accepted.emit()
    assert count(people, "SELECT count(*) FROM print_jobs WHERE reprint = 1 AND allowed_by = 'Karim'") == 1
    row = people.conn.execute(
        "SELECT operator, desk, details FROM audit_log WHERE action = 'reprint'"
    ).fetchone()
    assert row[:2] == ("Karim", "desk-1") and json.loads(row[2])["reason"] == "badge abîmé"
    assert json.loads(row[2])["role"] == "supervisor" and json.loads(row[2])["desk_operator"] == "amina"


def test_override_and_cancel_checkin(qtbot, window, people, staff):
    scan(qtbot, window, "SCE-4")  # cancelled pass
    assert window.banner.kind == "refused"
    window.supervisor.override()
    give_pin(window.supervisor.open_dialog, "Karim", staff["Karim"])
    window.supervisor.open_dialog.reason.setText("invité du directeur")
    window.supervisor.open_dialog.buttons.accepted.emit()
    assert window.banner.kind == "admitted" and "SUPERVISEUR" in window.banner.headline.text()
    assert count(people, "SELECT count(*) FROM scans WHERE override_reason IS NOT NULL") == 1
    window.supervisor.cancel_checkin()
    give_pin(window.supervisor.open_dialog, "Karim", staff["Karim"])
    dialog = window.supervisor.open_dialog
    assert dialog.scans.count() == 1
    dialog.reason.setText("erreur")
    dialog.buttons.accepted.emit()
    assert count(people, "SELECT count(*) FROM scans WHERE cancelled_at IS NOT NULL") == 1
    audited = people.conn.execute(
        "SELECT action, operator, details FROM audit_log WHERE action IN ('override', 'cancel_checkin')"
    ).fetchall()
    assert [(a, o, json.loads(d)["role"]) for a, o, d in audited] == [
        ("override", "Karim", "supervisor"),
        ("cancel_checkin", "Karim", "supervisor"),
    ]


def test_edit_attendee_and_settings(qtbot, window, people, staff):
    scan(qtbot, window, "SCE-1")
    window.supervisor.edit()
    give_pin(window.supervisor.open_dialog, "Karim", staff["Karim"])
    dialog = window.supervisor.open_dialog
    dialog.edits["company"].setText("Lydec SA")
    dialog.buttons.accepted.emit()
    assert people.lookup("SCE-1").company == "Lydec SA"
    assert count(
        people, "SELECT count(*) FROM audit_log WHERE action = 'edit_attendee' AND operator = 'Karim'"
    )
    window.open_settings()
    pin_dialog = window.supervisor.open_dialog
    give_pin(pin_dialog, "Karim", staff["Karim"])  # settings need an admin
    assert pin_dialog.isVisible() and "administrateur" in pin_dialog.error.text()
    give_pin(pin_dialog, "Nadia", staff["Nadia"])
    settings = window.supervisor.open_dialog
    settings.desk_name.setText("entrée-nord")
    settings.language.setCurrentIndex(settings.language.findData("en"))
    settings.buttons.accepted.emit()
    assert people.get_setting("desk_name") == "entrée-nord"
    assert window.desk.desk_name == "entrée-nord"
    assert window.translator.language == "en"
    assert window.buttons["walk_in"].text() == "Walk-in (F3)"
    row = people.conn.execute(
        "SELECT operator, details FROM audit_log WHERE action = 'settings' AND subject = 'desk_name'"
    ).fetchone()
    assert row[0] == "Nadia" and json.loads(row[1])["after"] == "entrée-nord"


def test_language_switch_to_arabic_flips_layout(qtbot, window, people):
    scan(qtbot, window, "SCE-2")
    window.set_language("ar")
    assert QApplication.layoutDirection() == Qt.RightToLeft
    assert window.isRightToLeft()
    assert window.banner.headline.text() == "دخول مسموح"
    assert "متحدث" in window.banner.details.text()  # the category in Arabic
    window.set_language("fr")
    assert QApplication.layoutDirection() == Qt.LeftToRight
    assert window.banner.headline.text() == "ENTRÉE AUTORISÉE"


def test_kiosk_mode_scans_and_exits_only_with_pin(qtbot, window, people, staff):
    window.set_kiosk(True, full_screen=False)
    assert window.in_kiosk
    scan(qtbot, window, "SCE-1")
    assert window.kiosk.showing_result and window.kiosk.result.kind == "admitted"
    qtbot.keyClick(window, Qt.Key_F3)
    assert window.supervisor.open_dialog is None  # no walk-ins from a kiosk
    qtbot.keyClick(window, Qt.Key_Escape)
    dialog = window.supervisor.open_dialog
    give_pin(dialog, "Karim", "000000")
    assert window.in_kiosk and dialog.error.text() == "Nom ou code PIN incorrect"
    give_pin(dialog, "Amina", staff["Amina"])  # an operator may not leave kiosk mode
    assert window.in_kiosk and "opérateur" in dialog.error.text()
    give_pin(dialog, "Karim", staff["Karim"])
    assert not window.in_kiosk
    row = people.conn.execute(
        "SELECT operator, details FROM audit_log WHERE action = 'kiosk_exit'"
    ).fetchone()
    assert row[0] == "Karim" and json.loads(row[1])["role"] == "supervisor"
