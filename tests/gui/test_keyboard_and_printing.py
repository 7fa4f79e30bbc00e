"""Keyboard only (language, Ctrl+P, printer order), refused passes never print from search without an
audited override, and printer trouble in staff's words with one action."""

from __future__ import annotations

import json
from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from checkin_desk.printing import PrinterConfig, add_printer, queue
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
    assert window.banner.reason.text() == "Impression autorisée par Karim : vu avec la sécurité"


def test_without_a_printer_the_desk_says_so_plainly_and_no_backlog_piles_up(qtbot, window, people):
    window.controller.refresh_state()
    qtbot.waitUntil(lambda: window.alert.isVisible())
    no_printer = "Aucune imprimante sur ce poste : les badges ne s'impriment pas — ajoutez-en une (F10)"
    assert window.alert.text() == no_printer
    assert window.status.printer.text() == "Imprimante : aucune ici"
    scan(qtbot, window, "SCE-1")
    assert window.banner.reason.text() == "Laissez passer — pas d'imprimante ici, pas de badge"
    assert window.banner.printing.text() == "Pas de badge : aucune imprimante sur ce poste"
    assert "imprime" not in window.banner.summary() and "file d'attente" not in window.banner.summary()
    # What the desk window's print worker does with the badge: put aside at once, so no old badges
    # wait for a supervisor's decision when a printer is added an hour later.
    job = queue.get_job(people, window.controller.last.print_job_id)
    assert print_backlog.set_aside_or_hold(people, job, utc_now() + timedelta(hours=1))
    assert people.conn.execute("SELECT state, last_error FROM print_jobs").fetchall() == [
        ("failed", print_backlog.NO_PRINTER)
    ]
    window.controller.refresh_state()
    qtbot.waitUntil(lambda: window.status.printer.text() == "Imprimante : aucune ici")
    assert window.alert.text() == no_printer  # not "1 badge(s) non imprimé(s)", nor old badges held
    window.translator.set_language("ar")
    assert window.alert.text() == "لا توجد طابعة في هذا الجهاز: الشارات لا تُطبع — أضف طابعة (F10)"
    window.translator.set_language("en")
    assert window.alert.text() == "No printer at this desk: badges are not printed — add one (F10)"


def test_the_printer_details_box_speaks_the_desks_language(qtbot, window, people):
    window.alert.show_problems({"Thermique-1": "cannot connect to 127.0.0.1:9100 (Connection refused)"})
    window.trouble.show()
    box = window.trouble.box
    qtbot.waitUntil(box.isVisible)
    texts = [button.text() for button in box.buttons()]
    assert not any("Details" in text for text in texts), texts
    box.reject()


def test_the_ready_screen_keeps_no_print_line_of_the_last_badge(qtbot, window, people):
    scan(qtbot, window, "SCE-1")
    window.banner.clear()
    window.banner.set_print_state("printed")  # the worker's word arrives once the banner is back to ready
    assert window.banner.printing.text() == ""
    window.banner.set_print_state("failed", "printer Thermique-1: cannot connect to 127.0.0.1:9100")
    assert window.banner.printing.text() == ""


def test_old_badges_wait_for_a_supervisors_decision(qtbot, window, people, staff):
    with people.transaction() as conn:
        for n in range(5):
            people.insert_print_job(conn, {"uuid": f"old-{n}", "attendee_code": "SCE-1", "desk": "desk-1"})
        conn.execute("UPDATE print_jobs SET created_at = ?", (iso(utc_now() - timedelta(minutes=40)),))
    first = people.conn.execute("SELECT id FROM print_jobs ORDER BY id").fetchone()[0]
    from checkin_desk.printing import get_job

    assert print_backlog.hold_old_jobs(people, get_job(people, first), utc_now())  # what the worker asks
    window.controller.refresh_state()
    # The bar already says this desk has no printer: it turns to the old badges once the figures come.
    qtbot.waitUntil(
        lambda: window.alert.text().startswith("5 anciens badges attendent : un superviseur décide")
    )
    qtbot.keyClick(window, Qt.Key_F2)
    box = window.supervisor.open_dialog
    assert "5 badges attendent depuis" in box.informativeText()
    window.trouble.print_button.click()
    qtbot.waitUntil(
        lambda: window.supervisor.open_dialog is not None and hasattr(window.supervisor.open_dialog, "pin")
    )
    give_pin(window.supervisor.open_dialog, "Karim", staff["Karim"])
    assert count(people, "SELECT count(*) FROM print_jobs WHERE state = 'queued'") == 5
    qtbot.waitUntil(lambda: window.alert.text().startswith("Aucune imprimante"))  # the old badges decided
    assert (
        count(people, "SELECT count(*) FROM audit_log WHERE action = 'print_backlog' AND operator = 'Karim'")
        == 1
    )
