"""The window fits 1024×600 and 1280×720 and never grows past its screen: long names and long
printer or hub errors are cut to the room they have; the settings scroll."""

from __future__ import annotations

from dataclasses import replace

import pytest

from checkin_desk.domain.models import Attendee
from gui.conftest import give_pin, scan

LONG_NAME = ("Mohammed-Amine " * 20)[:300].strip()
LONG_ERROR = "printer Thermique-1: " + "cannot connect to 127.0.0.1:9100 (Connection refused); " * 8
FRAME = 40  # a window manager's title bar and borders


def fits(window, width: int, height: int) -> bool:
    hint = window.minimumSizeHint()
    return hint.width() <= width and hint.height() <= height - FRAME


@pytest.mark.parametrize(("width", "height"), [(1024, 600), (1280, 720)])
def test_the_window_fits_small_screens_with_long_text(qtbot, window, people, width, height):
    people.upsert_attendees([Attendee("SCE-LONG", LONG_NAME, "", "Société " * 30, notes="note " * 80)])
    assert fits(window, width, height), window.minimumSizeHint()
    window.resize(width, height - FRAME)
    scan(qtbot, window, "SCE-LONG")
    window.controller.printer_problem.emit({"Thermique-1": LONG_ERROR})
    window.controller.print_state.emit("retrying", LONG_ERROR)
    window.status.show_hub(True, False, "desk@hub.local:5432/expo", "nothing answers at " + "x" * 500, 3)
    window.search.box.setText("Mohammed")
    window.search.run_search()
    assert window.banner.name.text() == LONG_NAME  # the whole name is there ...
    qtbot.waitUntil(lambda: window.banner.name.elided)  # ... cut to the room on screen, once painted
    assert window.alert.isVisible() and "injoignable" in window.alert.text()
    assert fits(window, width, height), window.minimumSizeHint()
    assert (window.width(), window.height()) == (width, height - FRAME)


def test_the_settings_dialog_scrolls_within_a_small_screen(qtbot, window, people, staff):
    window.open_settings()
    give_pin(window.supervisor.open_dialog, "Nadia", staff["Nadia"])
    dialog = window.supervisor.open_dialog
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.sizeHint().height() <= 560 and dialog.minimumSizeHint().height() <= 560
    assert dialog.scroll.widget() is dialog.body
    dialog.reject()


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_the_status_bar_figures_stay_whole_at_1024x600(qtbot, window, language):
    window.translator.set_language(language)
    window.resize(1024, 600 - FRAME)
    qtbot.waitUntil(lambda: window.status.state.attendees == 6)  # the window's own first figures
    status = window.status
    status.show_state(
        replace(status.state, attendees=20000, admitted_here=1234, admitted_all=12345, printers=1)
    )
    status.show_printer_problem({"Thermique-1": LONG_ERROR})
    status.show_hub(True, True, "desk-entree-a@hub.smartcity-expo.ma:5432/sce2027", "", 128)
    # The status bar lays its cells out on its next turn of the event loop.
    qtbot.waitUntil(lambda: status.cells.width() >= status.cells.minimumSizeHint().width())
    window.grab()  # paint it all at this size: a cell knows it was cut only once painted
    figures = (status.attendees, status.admitted, status.printer)
    assert all(cell.width() >= cell.sizeHint().width() for cell in figures)
    assert [cell.elided for cell in figures] == [False, False, False], [cell.text() for cell in figures]
    assert "20" in status.attendees.text() and "12345" in status.admitted.text()
    # The hub cell (its address) is what gives way; its whole text is in its tooltip.
    assert status.sync.elided and status.sync.toolTip() == status.sync.text()
    assert "128" in status.sync.toolTip()
    assert (window.width(), window.height()) == (1024, 600 - FRAME)
