"""The window fits 1024×600 and 1280×720 and never grows past its screen: long names and long
printer or hub errors are cut to the room they have; the settings scroll."""

from __future__ import annotations

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
