"""The window on a full disk: the scan is not recorded, the status bar says why in words (not the
crash dialog), the scan is kept and recorded with the next one once there is room."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from checkin_desk.gui.app import build, make_app
from checkin_desk.services.desk import Desk
from checkin_desk.storage.store import Store
from gui.conftest import scan
from tests.conftest import EVENT, PEOPLE
from tests.desk_faults import fill, small_disk


def test_a_full_disk_is_said_in_the_status_bar_and_the_scan_kept(qtbot, tmp_path, clock):
    with small_disk(tmp_path / "disk", "6m") as disk:
        store = Store.open(disk / "event.sqlite", create=True)
        store.init_event(EVENT)
        store.upsert_attendees(PEOPLE)
        desk = Desk(store, "desk-1", "amina", clock=clock, monotonic=clock.monotonic)
        make_app()
        window, _ = build(desk, language="fr", start_workers=False)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        try:
            scan(qtbot, window, "SCE-1")
            assert window.banner.kind == "admitted"
            filler = fill(disk)
            clock.advance(5)
            scan(qtbot, window, "SCE-2")
            message = window.status.currentMessage()
            assert f"the disk holding {disk} is full" in message and "kept" in message
            assert window.controller.kept == ["SCE-2"]
            filler.unlink()
            clock.advance(5)
            scan(qtbot, window, "SCE-6")
            assert window.controller.kept == []
            recorded = [r[0] for r in store.conn.execute("SELECT attendee_code FROM scans ORDER BY rowid")]
            assert recorded == ["SCE-1", "SCE-2", "SCE-6"]
        finally:
            window.close()
            window.runner.shutdown(wait=True)
            store.close()
            QApplication.instance().setLayoutDirection(Qt.LeftToRight)
