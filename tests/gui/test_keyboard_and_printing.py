"""Keyboard only (language, Ctrl+P, printer order), refused passes never print from search without an
audited override, and printer trouble in staff's words with one action."""

from __future__ import annotations

import json
from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from checkin_desk.printing import PrinterConfig, add_printer
from checkin_desk.services import print_backlog
from checkin_desk.util.clock import iso, utc_now
from gui.conftest import give_pin, scan


def count(store, sql, *params):
    return store.conn.execute(sql, params).fetchone()[0]


def find(qtbot, window, text):
    qtbot.keyClick(window, Qt.Key_F, Qt.ControlModifier)
    window.search.box.setText(text)
    window.search.run_search()
    assert window.search.results.count() >= 1


def test_the_language_cycles_with_a_shortcut_and_the_menu_marks_it(qtbot, window):
    marks = lambda: [a.data() for a in window.menus.languages.actions() if a.isChecked()]  # noqa: E731
    assert marks() == ["fr"]
    qtbot.keyClick(window, Qt.Key_L, Qt.ControlModifier)
    assert window.translator.language == "ar" and marks() == ["ar"]
    assert QApplication.layoutDirection() == Qt.RightToLeft
    qtbot.keyClick(window, Qt.Key_L, Qt.ControlModifier)
    assert window.translator.language == "en" and marks() == ["en"]
    assert window.buttons["walk_in"].text() == "Walk-in (F3)"
    qtbot.keyClick(window, Qt.Key_L, Qt.ControlModifier)
    assert window.translator.language == "fr"


def test_ctrl_p_prints_the_selected_result(qtbot, window, people):
    find(qtbot, window, "Lydec")
    qtbot.keyClick(window.search.box, Qt.Key_Down)
    qtbot.keyClick(window.search.results, Qt.Key_P, Qt.ControlModifier)
    assert count(people, "SELECT count(*) FROM print_jobs WHERE attendee_code = 'SCE-1'") == 1
    assert count(people, "SELECT count(*) FROM scans") == 0


def test_printer_order_changes_from_the_keyboard(qtbot, window, people, staff):
    for n in (1, 2, 3):
        add_printer(people, PrinterConfig(f"P{n}", "pdf-folder", f"/tmp/p{n}", None, pool_order=n))
    window.open_settings()
    give_pin(window.supervisor.open_dialog, "Nadia", staff["Nadia"])
    dialog = window.supervisor.open_dialog
    printers = dialog.printers
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.desk_name)
    printers.setFocus()
    qtbot.waitUntil(printers.hasFocus)
    assert printers.currentRow() == 0
    qtbot.keyClick(printers, Qt.Key_Down, Qt.ControlModifier)  # P1 goes down one
    qtbot.keyClick(printers, Qt.Key_Space)  # and is switched off
    assert [printers.item(i).data(Qt.UserRole) for i in range(3)] == ["P2", "P1", "P3"]
    qtbot.waitUntil(lambda: printers.item(1).checkState() == Qt.Unchecked)  # once no burst follows
    dialog.buttons.accepted.emit()
    order = people.conn.execute("SELECT name, enabled FROM printers ORDER BY pool_order").fetchall()
    assert order == [("P2", 1), ("P1", 0), ("P3", 1)]


def test_a_blocked_pass_does_not_print_from_search_without_an_override(qtbot, window, people, staff):
    find(qtbot, window, "Dubois")  # SCE-5, blocked
    window.search.print_badge.click()
    box = window.supervisor.open_dialog
    assert isinstance(box, QMessageBox) and "Badge bloqué" in box.text() and "superviseur" in box.text()
    assert count(people, "SELECT count(*) FROM print_jobs") == 0
    box.reject()  # Cancel: nothing printed, nothing asked
    qtbot.waitUntil(lambda: window.supervisor.open_dialog is None)
    assert count(people, "SELECT count(*) FROM print_jobs") == 0
    qtbot.keyClick(window.search.box, Qt.Key_P, Qt.ControlModifier)
    window.supervisor.open_dialog.accept()  # "ask a supervisor"
    qtbot.waitUntil(
        lambda: window.supervisor.open_dialog is not None and hasattr(window.supervisor.open_dialog, "pin")
    )
    pin = window.supervisor.open_dialog
    give_pin(pin, "Amina", staff["Amina"])  # an operator cannot
    assert pin.isVisible() and "opérateur" in pin.error.text()
    give_pin(pin, "Karim", staff["Karim"])
    reason = window.supervisor.open_dialog
    reason.reason.setText("vu avec la sécurité")
    reason.buttons.accepted.emit()
    assert people.conn.execute("SELECT attendee_code, allowed_by FROM print_jobs").fetchall() == [
        ("SCE-5", "Karim")
    ]
    operator, details = people.conn.execute(
        "SELECT operator, details FROM audit_log WHERE action = 'print_override'"
    ).fetchone()
    assert operator == "Karim" and json.loads(details)["was"] == "blocked"
    assert window.banner.headline.text() == "IMPRESSION PAR DÉROGATION"


def test_without_a_printer_the_desk_says_so_once_not_badge_queued(qtbot, window, people):
    scan(qtbot, window, "SCE-1")
    job = window.controller.last.print_job_id
    with people.transaction() as conn:  # what the print worker notes on a desk without a printer
        conn.execute(
            "UPDATE print_jobs SET last_error = 'no printer is configured for desk desk-1; add one with "
            "`checkin-desk printers add`' WHERE id = ?",
            (job,),
        )
    window.controller.refresh_state()
    qtbot.waitUntil(lambda: window.alert.isVisible())
    assert (
        window.alert.text()
        == "Aucune imprimante sur ce poste : 1 badge(s) en attente — ajoutez une imprimante"
    )
    qtbot.waitUntil(lambda: window.banner.print_state == "retrying")
    assert window.banner.printing.text() == ""  # not on every banner, not "badge queued"
    assert "checkin-desk printers add" not in window.alert.text()


def test_old_badges_wait_for_a_supervisors_decision(qtbot, window, people, staff):
    with people.transaction() as conn:
        for n in range(5):
            people.insert_print_job(conn, {"uuid": f"old-{n}", "attendee_code": "SCE-1", "desk": "desk-1"})
        conn.execute("UPDATE print_jobs SET created_at = ?", (iso(utc_now() - timedelta(minutes=40)),))
    first = people.conn.execute("SELECT id FROM print_jobs ORDER BY id").fetchone()[0]
    from checkin_desk.printing import get_job

    assert print_backlog.hold_old_jobs(people, get_job(people, first), utc_now())  # what the worker asks
    window.controller.refresh_state()
    qtbot.waitUntil(lambda: window.alert.isVisible())
    assert window.alert.text().startswith("5 anciens badges attendent : un superviseur décide")
    qtbot.keyClick(window, Qt.Key_F2)
    box = window.supervisor.open_dialog
    assert "5 badges attendent depuis" in box.informativeText()
    window.trouble.print_button.click()
    qtbot.waitUntil(
        lambda: window.supervisor.open_dialog is not None and hasattr(window.supervisor.open_dialog, "pin")
    )
    give_pin(window.supervisor.open_dialog, "Karim", staff["Karim"])
    assert count(people, "SELECT count(*) FROM print_jobs WHERE state = 'queued'") == 5
    qtbot.waitUntil(lambda: not window.alert.isVisible())
    assert (
        count(people, "SELECT count(*) FROM audit_log WHERE action = 'print_backlog' AND operator = 'Karim'")
        == 1
    )
