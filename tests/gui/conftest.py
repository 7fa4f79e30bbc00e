"""A desk window on the test event, shown offscreen; typing helpers for scanner bursts."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from checkin_desk.gui.app import build, make_app

# The offscreen platform plugin warns about a window feature it lacks; that is not our bug.
OFFSCREEN_NOISE = r"This plugin does not support propagateSizeHints\(\)"


def pytest_collection_modifyitems(items):
    for item in items:
        if "gui" in item.path.parts:
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


@pytest.fixture
def window(qtbot, desk):
    make_app()
    win, _translator = build(desk, language="fr", start_workers=False)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.setFocus()
    yield win
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
