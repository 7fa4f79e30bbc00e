"""The window on 1024×600 and 1280×720 screens, maximised by the window manager, with a 300-character
name and a printer that does not answer: nothing outside the screen, the verdict and the red printer
bar on it. And the first start of a machine with no event: the assistant, driven from the keyboard."""

from __future__ import annotations

import socket

import pytest

from checkin_desk.printing import PrinterConfig, add_printer
from checkin_desk.storage.store import Store
from e2e.conftest import person, require_x
from e2e.test_desk_x11 import GREEN, SCANS, banner_share, person_types, scanner
from e2e.xsession import DeskApp, XServer, colour_share, wait_for

RED = (0xC6, 0x28, 0x28)
LONG_NAME = ("Mohammed-Amine Benkirane El Idrissi " * 10)[:300].strip()


@pytest.fixture(scope="module")
def small_screen():
    require_x()
    server = XServer(1024, 600).start()
    yield server
    server.stop()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def with_dead_printer(db) -> None:
    store = Store.open(db)
    add_printer(
        store, PrinterConfig("Thermique-1", "escpos-network", f"127.0.0.1:{closed_port()}", "TM-T20II")
    )
    store.close()


def on_screen(app, window=None) -> bool:
    where = app.geometry(window)
    return where.x >= 0 and where.y >= 0 and where.right <= app.x.width and where.bottom <= app.x.height


@pytest.mark.parametrize("screen", ["1024x600", "1280x720"])
def test_long_name_and_printer_failure_stay_on_a_small_screen(launch, x_server, small_screen, screen):
    server = small_screen if screen == "1024x600" else x_server
    app = launch(
        [person("SCE26-LONG-0300", LONG_NAME, "", company="Société " * 20, notes="note " * 60)],
        server=server,
        prepare=with_dead_printer,
    )
    wait_for(lambda: on_screen(app), 10, "the maximised window on the screen")
    scanner(app, "SCE26-LONG-0300", 8)
    app.wait_rows(SCANS, until=lambda rows: rows == [("SCE26-LONG-0300", "ok")])
    app.wait_rows(
        "SELECT last_error FROM print_jobs",
        until=lambda rows: bool(rows) and "cannot connect" in (rows[0][0] or ""),
    )
    where = app.geometry()

    def bar_shown() -> bool:
        shot = server.screenshot()
        lower = (where.x, where.y + int(where.height * 0.55), where.right, where.bottom)
        return colour_share(shot, lower, RED) > 0.015 and banner_share(app, GREEN) > 0.4

    wait_for(bar_shown, 15, "the green verdict and the red printer bar")
    assert on_screen(app)
    assert (app.geometry().width, app.geometry().height) == (where.width, where.height)  # it did not grow
    log = app.home / "logs" / "desk.log"  # the technician's words: in the log, not on the banner
    wait_for(lambda: log.exists() and "cannot connect to 127.0.0.1" in log.read_text("utf-8"), 10, "desk.log")
    app.x.key("F10")  # the settings (no staff account yet: no PIN), the longest dialog
    dialog = wait_for(lambda: next(iter(set(app.windows()) - {app.window}), ""), 10, "the settings dialog")
    assert on_screen(app, dialog)
    app.x.key("Escape")


def test_first_start_without_an_event_opens_the_assistant(x_server, tmp_path):
    home = tmp_path / "home"
    app = DeskApp(x_server, None, home, desk="")  # `checkin-desk` on a machine that never had an event
    try:
        wizard = app.wait_window(name="Premier démarrage")
        app.focus(wizard)
        person_types(app, "Expo Test")  # the event's name: its first field has the keyboard
        app.x.key("Return")  # create it (three days from today)
        app.x.key("Return")  # no attendee list for now
        person_types(app, "Entree A")
        app.x.key("Return")
        app.x.key("Return")  # no printer for now
        person_types(app, "Nadia")
        app.x.key("Tab")
        person_types(app, "482915")
        app.x.key("Tab")
        person_types(app, "482915")
        app.x.key("Return")  # finish: the desk window opens on the new event
        desk = app.wait_window(name="Accueil — Expo Test")
        assert desk
        app.db = home / "data" / "events" / "expo-test.sqlite"  # made by the assistant
        assert app.rows("SELECT value FROM settings WHERE key = 'desk_name'") == [('"Entree A"',)]
        assert app.rows("SELECT name, role FROM staff") == [("Nadia", "admin")]
    finally:
        app.close()
