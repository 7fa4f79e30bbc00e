"""Slow work never blocks scanning; a bug reaches the crash handler and its log file."""

from __future__ import annotations

import threading

from checkin_desk.gui.app import CrashHandler
from gui.conftest import scan


def test_a_stalled_worker_does_not_block_scans(qtbot, window, people, clock):
    release = threading.Event()
    started = threading.Event()

    def stalled_printer():  # a printer that hangs: holds the db/print worker until released
        started.set()
        release.wait(30)
        return "printed"

    results = []
    window.runner.submit(stalled_printer, done=results.append)
    assert started.wait(5)
    try:
        for code in ("SCE-1", "SCE-2", "SCE-3"):
            scan(qtbot, window, code)
            clock.advance(2)
            assert window.banner.kind == "admitted"
        assert people.conn.execute("SELECT count(*) FROM scans WHERE admitted = 1").fetchone()[0] == 3
        assert results == []  # the worker is still stuck, the desk was not
    finally:
        release.set()
    qtbot.waitUntil(lambda: results == ["printed"])
    # The status bar catches up once the worker is free.
    qtbot.waitUntil(lambda: window.status.state.admitted_here == 3)
    assert "3 ici" in window.status.admitted.text()


def test_print_state_follows_the_job(qtbot, window, people):
    scan(qtbot, window, "SCE-1")
    job = window.controller.last.print_job_id
    with people.transaction() as conn:
        conn.execute("UPDATE print_jobs SET state = 'failed', last_error = 'paper out' WHERE id = ?", (job,))
    qtbot.waitUntil(lambda: window.banner.print_state == "failed", timeout=3000)
    assert "paper out" in window.banner.printing.text()


def test_worker_bug_goes_to_crash_dialog_and_log(qtbot, window, people, isolated_home):
    handler = CrashHandler(window.translator)
    handler.install()
    try:

        def broken():
            raise RuntimeError("a bug in a worker")

        window.runner.submit(broken)
        qtbot.waitUntil(lambda: handler.last_log is not None)
        assert "a bug in a worker" in handler.last_log.read_text()
        assert handler.last_log.parent == isolated_home / "logs"
        assert handler.box.isVisible()
        handler.box.close()
    finally:
        handler.uninstall()


def test_expected_trouble_a_screen_did_not_catch_is_shown_in_words_not_as_a_crash(
    qtbot, window, isolated_home
):
    from checkin_desk.printing.errors import PrintError

    handler = CrashHandler(window.translator)
    handler.install()
    try:

        def offline():
            raise PrintError("Thermique-1", "cannot connect to 127.0.0.1:9100")

        window.runner.submit(offline)
        qtbot.waitUntil(lambda: getattr(handler, "box", None) is not None)
        assert "Thermique-1" in handler.box.text() and handler.box.windowTitle() != "Erreur inattendue"
        assert handler.last_log is None and not (isolated_home / "logs" / "crash.log").exists()
        handler.box.close()
    finally:
        handler.uninstall()


def test_the_crash_log_is_owner_only_and_masks_contacts(qtbot, window, isolated_home):
    handler = CrashHandler(window.translator)
    path = handler.write_log("Traceback: amina.benali@example.ma +212 661 234 567")
    text = path.read_text()
    assert "amina.benali@example.ma" not in text and "661 234 567" not in text
    assert path.stat().st_mode & 0o077 == 0
