"""The PySide6 6.12 / CPython 3.11 refcount bug must not abort a long-running desk."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel

import checkin_desk.gui  # noqa: F401  (applies the guard)


def test_many_void_qt_calls_do_not_exhaust_none(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    for i in range(20_000):  # ~4x what None has without the guard
        label.setText(str(i))
    assert sys.getrefcount(None) > 1_000_000
