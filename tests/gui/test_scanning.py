"""Scanner bursts reach the desk from wherever the focus is; the banner says what happened."""

from __future__ import annotations

from PySide6.QtCore import Qt

from checkin_desk.domain.models import Status
from gui.conftest import scan, type_text


def rows(store, sql, *params):
    return store.conn.execute(sql, params).fetchall()


def test_scan_burst_admits_and_shows_green_banner(qtbot, window, desk, people):
    with qtbot.waitSignal(window.controller.outcome) as signal:
        scan(qtbot, window, "SCE-1")
    assert signal.args[0].status == Status.OK
    banner = window.banner
    assert banner.kind == "admitted"
    assert "ENTRÉE AUTORISÉE" in banner.headline.text()
    assert banner.name.text() == "Benoît Lefèvre"
    assert "Lydec" in banner.details.text() and "VISITEUR" in banner.details.text()
    assert banner.background.name().upper() == "#1B7F3B"
    assert banner.icon.text() == "✔"
    assert rows(people, "SELECT code, admitted, desk FROM scans") == [("SCE-1", 1, "desk-1")]
    assert rows(people, "SELECT attendee_code, state FROM print_jobs") == [("SCE-1", "queued")]
    # This desk has no printer: once its figures are read the banner says so, not "badge queued".
    window.controller.refresh_state()
    qtbot.waitUntil(lambda: banner.printing.text() == "Pas de badge : aucune imprimante sur ce poste")


def test_scan_while_focus_is_on_a_button_or_list(qtbot, window, people, clock):
    window.search.results.setFocus()
    scan(qtbot, window.search.results, "SCE-2")
    assert window.banner.kind == "admitted"
    assert window.banner.name.text() == "أحمد العلوي"


def test_already_checked_in_is_amber_with_first_entry_local_time(qtbot, window, people, clock):
    scan(qtbot, window, "SCE-1")
    clock.advance(3600)
    scan(qtbot, window, "SCE-1")
    banner = window.banner
    assert banner.kind == "already"
    assert "DÉJÀ ENREGISTRÉ" in banner.headline.text()
    # 09:00 UTC is 10:00 in Casablanca on 18 April 2027.
    assert "10:00" in banner.reason.text() and "desk-1" in banner.reason.text()
    assert banner.background.name().upper() == "#F2A900"


def test_refused_is_red_with_reason_and_notes(qtbot, window, people):
    scan(qtbot, window, "SCE-5")
    banner = window.banner
    assert banner.kind == "refused"
    assert banner.icon.text() == "✖"
    assert "REFUSÉ" in banner.headline.text()
    assert banner.reason.text() == "Bloqué → appelez un superviseur (F7)"
    assert "Voir superviseur" in banner.notes.text()
    scan(qtbot, window, "NOPE-42")
    assert window.banner.reason.text().startswith("Code inconnu → cherchez le nom (Ctrl+F)")


def test_double_read_within_a_second_counts_once(qtbot, window, people, clock):
    scan(qtbot, window, "SCE-1")
    clock.advance(0.3)
    scan(qtbot, window, "SCE-1")
    assert rows(people, "SELECT count(*) FROM scans") == [(1,)]
    assert window.banner.kind == "admitted"
    assert "lecture double" in window.banner.reason.text()


def test_non_ascii_code_typed_through_key_events(qtbot, window, people):
    type_text(window, "SCÉ-9")
    qtbot.keyClick(window, Qt.Key_Return)
    assert window.banner.kind == "refused"
    assert rows(people, "SELECT count(*) FROM scans") == [(1,)]


def test_scanner_burst_into_the_search_box_is_a_scan_not_text(qtbot, window, people):
    box = window.search.box
    box.setFocus()
    scan(qtbot, box, "SCE-3")
    assert window.banner.kind == "admitted"
    assert window.banner.name.text() == "王伟"
    assert box.text() == ""


def test_slow_typing_in_a_field_reaches_the_field_in_order(qtbot, window, people):
    box = window.search.box
    box.setFocus()
    for ch in "Benoi":
        qtbot.keyClick(box, ch)
        qtbot.wait(60)  # a person types, not a scanner
    qtbot.waitUntil(lambda: box.text() == "Benoi")
    assert rows(people, "SELECT count(*) FROM scans") == [(0,)]


def test_manual_entry_of_a_code(qtbot, window, people):
    field = window.manual
    field.setFocus()
    for ch in "SCE-6":
        qtbot.keyClick(field, ch)
        qtbot.wait(50)
    qtbot.waitUntil(lambda: field.text() == "SCE-6")
    qtbot.keyClick(field, Qt.Key_Return)
    assert window.banner.kind == "refused"  # SCE-6 is only valid on the second day
    assert window.banner.reason.text() == "Valable le lun. 19 avril — pas aujourd'hui"
