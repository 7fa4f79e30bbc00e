"""Work around a PySide6 6.12 reference-count bug on CPython < 3.12.

With PySide6-Essentials 6.12.0 on CPython 3.11, every call of a Qt method that returns void
(`QLabel.setText`, `QWidget.update`, `QPainter.setPen`...) decrements the reference count of `None`
without having incremented it (3.12+ made `None` immortal, so the binding no longer takes the
reference). `None` starts with ~5,000 references: after ~5,000 such calls the interpreter aborts with
"Fatal Python error: none_dealloc" — about a thousand scans at a desk. Reproduce with
`for _ in range(10_000): label.setText("x")`.

Until the binding is fixed (or the project requires CPython >= 3.12), give `None`, `True` and `False`
a reference count no program can exhaust, as 3.12's immortal objects have. This touches only those
three singletons, which CPython never frees anyway.
"""

from __future__ import annotations

import ctypes
import sys

_BOOST = 1 << 40


def protect_singletons() -> bool:
    """Returns True when the guard was applied (CPython < 3.12), False when not needed."""
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return False
    for singleton in (None, True, False):
        if sys.getrefcount(singleton) < _BOOST:
            ctypes.c_ssize_t.from_address(id(singleton)).value += _BOOST
    return True
