"""PySide6-Essentials 6.12.0 on CPython 3.11 takes a reference off `None` at every void Qt call
(`QLabel.setText`...): after ~5,000 calls, about a thousand scans, the interpreter aborts with
"none_dealloc". pyproject.toml excludes that release; this test fails if a broken one comes back."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel


def test_void_qt_calls_leave_the_reference_count_of_none_alone(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for i in range(2_000):
        label.setText(str(i))
    assert abs(sys.getrefcount(None) - before) < 100
