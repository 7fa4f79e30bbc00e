"""The window on a full disk: the scan gets a verdict all the same ("entry kept — will be recorded")
and the status bar says why in the window's language, cut at a word (not the crash dialog); the
kept scan is recorded by a timer once there is room, with the time it was scanned."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from checkin_desk.gui.app import build, make_app
from checkin_desk.gui.i18n import CATALOGUE
from checkin_desk.services.desk import Desk
from checkin_desk.storage.store import Store
from checkin_desk.util.clock import iso
from gui.conftest import scan
from tests.conftest import EVENT, PEOPLE
from tests.desk_faults import fill, small_disk


def cut_at_a_word(shown: str, whole: str) -> bool:
    if shown == whole:
        return True
    words = shown[:-1].split()
    first = whole.split()[: len(words)]
    # Whole words only; the punctuation after the last one shown may go.
    return shown.endswith("…") and first[:-1] == words[:-1] and first[-1].rstrip(":—,;") == words[-1]


def test_a_full_disk_gives_a_kept_verdict_and_the_timer_records_the_scan_with_its_time(
    qtbot, tmp_path, clock
):
    with small_disk(tmp_path / "disk", "6m") as disk:
        store = Store.open(disk / "event.sqlite", create=True)
        store.init_event(EVENT)
        store.upsert_attendees(PEOPLE)
        desk = Desk(store, "desk-1", "amina", clock=clock, monotonic=clock.monotonic)
        make_app()
        window, translator = build(desk, language="fr", start_workers=False)
        qtbot.addWidget(window)
        window.resize(1024, 600)
        window.show()
        qtbot.waitExposed(window)
        try:
            scan(qtbot, window, "SCE-1")
            assert window.banner.kind == "admitted"
            filler = fill(disk)
            clock.advance(5)
            kept_at = iso(clock())
            scan(qtbot, window, "SCE-2")
            # A verdict on the banner, in the window's language: kept, and why.
            assert window.banner.kind == "kept"
            assert window.banner.headline.text() == "ENTRÉE GARDÉE — SERA ENREGISTRÉE"
            assert window.banner.reason.text() == "Disque plein — libérez de la place"
            assert window.banner.name.text() == "SCE-2"
            message = window.status.currentMessage()
            whole = (
                "Disque plein — libérez de la place : 1 entrée(s) gardée(s), enregistrée(s) dès que possible"
            )
            assert message.startswith("Disque plein") and cut_at_a_word(message, whole), message
            assert [k.raw for k in window.controller.kept] == ["SCE-2"]
            for language, headline in zip(("ar", "en"), CATALOGUE["verdict.kept"][1:], strict=True):
                translator.set_language(language)
                assert window.banner.headline.text() == headline
            translator.set_language("fr")
            # Space comes back: the timer records the kept scan without another scan, at its own time.
            clock.advance(60)
            filler.unlink()
            qtbot.waitUntil(lambda: window.controller.kept == [], timeout=15_000)
            recorded = store.conn.execute("SELECT attendee_code, at FROM scans ORDER BY rowid").fetchall()
            assert [code for code, _ in recorded] == ["SCE-1", "SCE-2"]
            assert recorded[1][1] == kept_at
            assert window.banner.kind == "idle"
        finally:
            window.close()
            window.runner.shutdown(wait=True)
            store.close()
            QApplication.instance().setLayoutDirection(Qt.LeftToRight)


def test_a_status_message_too_long_for_the_bar_is_cut_at_a_word(qtbot, tmp_path, clock):
    store = Store.open(tmp_path / "event.sqlite", create=True)
    store.init_event(EVENT)
    desk = Desk(store, "desk-1", "amina", clock=clock, monotonic=clock.monotonic)
    make_app()
    window, _ = build(desk, language="fr", start_workers=False)
    qtbot.addWidget(window)
    window.resize(1024, 600)
    window.show()
    qtbot.waitExposed(window)
    try:
        whole = " ".join(["enregistrement"] * 60)
        window.status.showMessage(whole)
        shown = window.status.shown_message()
        assert (
            window.status.currentMessage() == whole
            and shown != whole
            and cut_at_a_word(shown, whole)
            and window.status.toolTip() == whole
        )
    finally:
        window.close()
        window.runner.shutdown(wait=True)
        store.close()
