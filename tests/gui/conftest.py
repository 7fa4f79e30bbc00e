"""A desk window on the test event, shown offscreen; typing helpers for scanner bursts."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from checkin_desk.gui.app import build, make_app
from checkin_desk.gui.sounds import SoundPlayer
from checkin_desk.trust import roles

# The offscreen platform plugin warns about a window feature it lacks; that is not our bug.
OFFSCREEN_NOISE = r"This plugin does not support propagateSizeHints\(\)"


def pytest_collection_modifyitems(items):
    for item in items:
        if "gui" in item.path.parts:
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


@pytest.fixture(autouse=True)
def cheap_scrypt(monkeypatch):
    # The cost is stored with each hash: tests need the mechanism, not the ~40 ms per PIN check.
    monkeypatch.setattr(roles, "SCRYPT_N", 2**10)
    monkeypatch.setattr(roles, "_DUMMY_HASH", None)


@pytest.fixture
def staff(people):
    """An admin (Nadia), a supervisor (Karim) and an operator (Amina): roles are enforced."""
    admin = roles.add_staff(people, "Nadia", roles.Role.ADMIN, "482915")
    roles.add_staff(people, "Karim", roles.Role.SUPERVISOR, "730264", by=admin)
    roles.add_staff(people, "Amina", roles.Role.OPERATOR, "5821", by=admin)
    return {"Nadia": "482915", "Karim": "730264", "Amina": "5821"}


def give_pin(dialog, name: str, code: str) -> None:
    """Fill in the PIN dialog and press OK."""
    dialog.name.setText(name)
    dialog.pin.setText(code)
    dialog.buttons.accepted.emit()


@pytest.fixture
def window(qtbot, desk):
    make_app()
    # Silent: the tests check which sound was asked for, never the speaker.
    win, _translator = build(desk, language="fr", start_workers=False, sounds=SoundPlayer(player=[]))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.setFocus()
    yield win
    if win.supervisor.open_dialog is not None:  # a dialog left open would hold the next test's scans
        win.supervisor.open_dialog.reject()
    win.close()
    win.runner.shutdown(wait=True)
    QApplication.instance().setLayoutDirection(Qt.LeftToRight)


def type_text(widget, text: str) -> None:
    """Type any text, non-ASCII included (qtbot.keyClicks aborts on it), as a scanner burst."""
    for ch in text:
        for kind in (QEvent.KeyPress, QEvent.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key_unknown, Qt.NoModifier, ch))


def scan(qtbot, widget, code: str) -> None:
    """A keyboard-wedge scanner: the code in a burst, then Enter."""
    if code.isascii():
        qtbot.keyClicks(widget, code)
    else:
        type_text(widget, code)
    qtbot.keyClick(widget, Qt.Key_Return)
